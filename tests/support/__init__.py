"""Plain helpers shared by the unit and end-to-end tests (fixtures stay in conftest.py).

One home per helper, so a fix reaches every test: `git` (the one way tests run git), repo
factories (`repos`, `prep_demo`, `remotes`), the fake GitHub API, the Action environment
builder, fake proposers/loops, recorded model replies and the rule-rewrite shortcut.
"""
