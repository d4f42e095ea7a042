"""The ground floor: what every room of the house may use and which uses none of them — files
written atomically, locks, the keyed error every layer raises. It imports only the standard
library, `sms_tui.i18n` and `sms_tui.exitcodes` (the import-linter contract in pyproject.toml)."""
