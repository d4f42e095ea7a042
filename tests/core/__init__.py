"""The core without Textual: rules, the setup model, the Wizard without a screen, the settings store, texts, exit codes, the watch and its timer."""
