"""The Textual front end: a thin layer of screens over the Case (engine, evidence, report)."""
