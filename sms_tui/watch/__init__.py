"""The watch: what `check` sees, told to the owner when it changes (`monitor`), and the timer
that runs it — a systemd user timer or a crontab line (`schedule`)."""
