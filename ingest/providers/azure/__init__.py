"""Azure discovery through Azure Resource Graph: client, paged queries, pure transform, run."""
