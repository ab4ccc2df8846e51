"""The live workshop dashboard (Solara): controls, a per-session simulation and fast views.

`viz.app` only wires `page.Dashboard` into a page; `decentra app` serves it
(`server.serve`). Every browser tab gets its own `session.Session`, created inside the
`Dashboard` component, so one user's play never moves another's model. The pure parts
(`scenario_form`, `session`, `indicators`, `charts`, `geometry`) import no Solara.
"""
