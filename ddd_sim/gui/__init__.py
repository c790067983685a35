"""The workbench: PySide6 and pyqtgraph live only here.

PySide6 is imported first so that pyqtgraph binds to it, whatever else is
installed.
"""

import PySide6  # noqa: F401  (must come before pyqtgraph)
