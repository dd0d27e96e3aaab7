"""Registered cloud accounts (AWS accounts, Azure subscriptions, GCP projects), their credentials
encrypted at rest, and their discovery schedules."""
