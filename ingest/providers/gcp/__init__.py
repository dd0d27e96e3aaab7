"""GCP discovery through Cloud Asset Inventory."""
