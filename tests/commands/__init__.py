"""The headless commands: in-process and as subprocesses, as root and as an unprivileged user."""
