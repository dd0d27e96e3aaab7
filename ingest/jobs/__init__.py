"""Discovery jobs: units fanned out over Celery, their progress, history and the post-sync hooks."""
