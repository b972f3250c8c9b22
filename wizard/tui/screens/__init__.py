"""Screens of the wizard: start, question, evidence, outcome."""
