"""The Textual wizard. Screens render and route; everything else happens in `sms_tui.wizard`."""
