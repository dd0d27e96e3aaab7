"""GCP discovery through Cloud Asset Inventory (issue 3)."""
