"""The live dashboard page, for `solara run viz.app` or `decentra app`: wiring only.

The components and the per-session state live in `viz.dashboard`; nothing here holds a model.
"""

from viz.dashboard.page import Dashboard

Page = Dashboard
