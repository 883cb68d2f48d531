"""In-memory fakes of every port in shared/services/ports.py, for the fast test tier.

Each keeps the adapter's semantics (ETags, atomic writes, ordering, paging, errors); the contract
tests in tests/contract run the same assertions against a fake and its Azurite adapter.
"""
