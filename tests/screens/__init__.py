"""The wizard's screens through Textual's Pilot, its snapshots, and the contracts with Textual."""
