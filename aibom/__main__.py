from aibom.cli import main

main()
