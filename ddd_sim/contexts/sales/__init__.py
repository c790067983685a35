"""Sales: orders and their lifecycle; downstream of inventory, partner of shipping."""
