"""One module per wizard step, plus the modal helpers."""
