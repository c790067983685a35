"""The whole world as of any log position: orders, stock, wallets, sagas, faults."""
