"""Running MedBridge in production: backups and restores, key rotation for
personal data, and the health endpoint a load balancer polls. No models of its
own; it works on the whole database. See docs/operations.md."""
