"""The headless twins of the wizard's steps: never prompt, plain lines or one JSON object."""
