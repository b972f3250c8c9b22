"""The knowledge packs shipped with KB Wizard (installed as wizard.packs)."""
