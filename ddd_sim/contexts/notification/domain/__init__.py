"""What a notification says: templates turning published facts into plain words."""
