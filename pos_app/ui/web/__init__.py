"""The payment web view: app:// scheme, request guard, QWebChannel bridge and the hosted page.

Everything the page can reach goes through this package; see each module's docstring for the rules.
"""
