"""What the wizard and `apply` write and the shop software reads: the settings model (`model`),
its store on disk (`store`: atomic, locked, 0600), the one setup model behind the wizard, the
answers file and the draft (`setup_model`), and the answers file itself (`answers`).

Nothing is imported here: `store` must load without pydantic (the first paint, `show`)."""
