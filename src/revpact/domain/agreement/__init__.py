"""The agreement's model: one validated, immutable value, section by section."""
