import sys

from sms_tui.cli import main

sys.exit(main())
