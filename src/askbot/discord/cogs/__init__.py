"""Slash commands, grouped by what members do with them."""
