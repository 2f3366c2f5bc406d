"""Every output renderer: score and diff reports as text, JSON and Markdown."""
