"""The workbench's panels: each renders frames and asks through the controller."""
