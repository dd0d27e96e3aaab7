"""Notifications on job completion, job failure and new critical findings: signed webhooks, Slack
incoming webhooks and SMTP e-mail, with retries and a delivery log in the graph."""
