"""What reaches a real terminal: ptys, the cell-diff writer against a terminal emulator, input parsing, a slow link, a crash."""
