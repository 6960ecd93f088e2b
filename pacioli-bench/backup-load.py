"""Loads transfers into a running Pacioli through the batch API, for ./pacioli-bench/backup-restore.

usage: backup-load.py BASE_URL ADMIN_KEY LEDGER BATCHES ACCOUNTS
Opens LEDGER with a world account and ACCOUNTS user accounts, then posts BATCHES batches of 1,000
transfers (4 clients at once) from world to the users.
"""
import concurrent.futures
import json
import sys
import time
import urllib.error
import urllib.request

base, key, ledger = sys.argv[1], sys.argv[2], sys.argv[3]
batches, accounts = int(sys.argv[4]), int(sys.argv[5])


def call(method, path, body):
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method=method,
                                     headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def expect(answer, *statuses):
    assert answer[0] in statuses, answer


expect(call("PUT", "/v1/assets/USD", {"scale": 2}), 200, 201)
expect(call("POST", "/v1/ledgers", {"name": ledger}), 201)
expect(call("POST", f"/v1/ledgers/{ledger}/accounts", {"id": "world", "asset": "USD", "normal_balance": "debit"}), 201)


def account(number):
    expect(call("POST", f"/v1/ledgers/{ledger}/accounts", {"id": f"u{number}", "asset": "USD"}), 201)


def batch(number):
    transfers = [{"id": f"t{number}-{i}", "postings": [{"from": "world", "to": f"u{(number * 1000 + i * 7919) % accounts}",
                                                        "amount": 1 + i, "asset": "USD"}]} for i in range(1000)]
    expect(call("POST", f"/v1/ledgers/{ledger}/transactions/batch", {"transactions": transfers}), 200)


with concurrent.futures.ThreadPoolExecutor(16) as pool:
    list(pool.map(account, range(accounts)))
started = time.time()
with concurrent.futures.ThreadPoolExecutor(4) as pool:
    list(pool.map(batch, range(batches)))
print(f"loaded {batches * 1000} transfers into {ledger} in {time.time() - started:.1f} s")
