"""Lead files: the canonical CSV, read column-wise, parsed in a helper process."""
