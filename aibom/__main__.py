from aibom.cli import console

console()
