"""The legacy ERP: an old flat product master, seen by inventory through an ACL."""
