#!/usr/bin/env bash
# A user's first run on their own helpdesk export, with no configuration:
# train with --text/--head, train again letting the reader pick the heads,
# then eval and predict on the same export using the mapping stored in the
# artifact. The export carries id, date and e-mail columns, two texts with
# Latin-1 bytes and a whitespace-only label.
# The size and review-coverage checks hold with the capacity defaults and
# learned review thresholds of the trainer.
set -euo pipefail
exe=$1 src=$2 shared=$3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

python3 - "$tmp/export.csv" <<'PY'
import csv, sys
billing = [
    ("Charged twice this month", "My card was charged twice for the May invoice, please refund one of the payments."),
    ("Refund request", "I cancelled within the trial but was still billed. I would like my money back."),
    ("Invoice shows wrong amount", "The invoice lists 12 seats but we only have 9 users on the plan."),
    ("Update payment method", "Our company card expired, how do I add the new card before the next charge?"),
    ("VAT number missing", "Please add our VAT number to the last three invoices, finance needs it."),
    ("Downgrade plan", "We want to move from Business to Starter at the end of this billing period."),
    ("Unexpected renewal charge", "I thought auto-renew was off but the annual fee was taken yesterday."),
    ("Receipt needed", "Can you send a receipt for the payment made on the 3rd? I lost the email."),
    ("Discount not applied", "The coupon code from your newsletter did not reduce the price at checkout."),
    ("Cancel subscription", "Please cancel my subscription and confirm there will be no further charges."),
    ("Pro-rated credit", "We removed four seats mid-month; will the credit show on the next invoice?"),
    ("Payment failed", "The bank declined the transfer and now the account says payment overdue."),
    ("Currency question", "Can we be billed in euros instead of dollars from next quarter?"),
    ("Double subscription", "It looks like we have two active subscriptions for the same workspace."),
    ("Billing address change", "Our office moved; the billing address on invoices must be updated."),
    ("Price increase", "Why did the monthly price go up without any notice to us?"),
    ("Tax exemption", "We are a charity and should not be charged sales tax, how do we send the certificate?"),
    ("Refund status", "You approved my refund ten days ago but the money has not arrived yet."),
    ("Annual plan invoice", "Please issue one invoice for the annual plan instead of monthly ones."),
    ("Overcharged for add-on", "I was charged for the storage add-on that I never enabled."),
]
technical = [
    ("App crashes on start", "Since the last update the desktop app closes right after the splash screen."),
    ("Cannot log in", "The login page keeps saying my password is wrong even after a reset."),
    ("Sync not working", "Files edited on my laptop do not appear on my phone anymore."),
    ("Error 500 on export", "Exporting the report to PDF fails with an internal server error."),
    ("Two-factor code not arriving", "The SMS with the verification code never arrives on my phone."),
    ("API returns 401", "Our integration gets unauthorized errors although the token is new."),
    ("Slow dashboard", "The dashboard takes over a minute to load since this morning."),
    ("Notifications missing", "I no longer receive push notifications for new messages on Android."),
    ("Webhook not firing", "The webhook we configured for new orders is not called at all."),
    ("Broken search", "Search returns no results even for documents I can see in the list."),
    ("Upload fails", "Uploading images larger than 2 MB ends with a network error."),
    ("Calendar import error", "Importing our ICS calendar file shows an unknown format message."),
    ("Password reset link expired", "Every reset link I get says it has expired when I click it."),
    ("Dark mode glitch", "In dark mode the text in the editor is black on black and unreadable."),
    ("Integration disconnected", "The Slack integration disconnects itself every few hours."),
    ("Data not saving", "Changes to the customer record are lost when I press save."),
    ("Mobile app freezes", "The iOS app freezes when I open the settings screen."),
    ("Login loop", "After signing in with Google I am sent back to the login page again."),
    ("CSV import stuck", "The CSV import has been stuck at 45 percent for two hours."),
    ("Certificate warning", "Browsers show a certificate warning on our custom domain."),
]
shipping = [
    ("Where is my order", "Order 55120 was supposed to arrive on Monday and tracking has not moved."),
    ("Package damaged", "The box arrived crushed and the glass items inside are broken."),
    ("Wrong item delivered", "I ordered the blue jacket in size M but received a red one in L."),
    ("Change delivery address", "Can you ship order 55231 to my work address instead of home?"),
    ("Missing item in parcel", "The parcel only had two of the three books I ordered."),
    ("Tracking number invalid", "The tracking number in the confirmation email is not found by the courier."),
    ("Delivery delayed", "My order is a week late and the courier gives no new date."),
    ("Return label request", "Please send me a return label for the shoes that do not fit."),
    ("Express shipping not honored", "I paid for express delivery but the parcel came by standard post."),
    ("Parcel marked delivered", "Tracking says delivered but nothing was left at my door."),
    ("International shipping", "Do you ship to Norway and how long does delivery take?"),
    ("Pickup point closed", "The pickup point for my parcel has closed, where will it be sent?"),
    ("Customs fees", "The courier is asking me to pay customs fees, is that correct?"),
    ("Split shipment", "Only part of my order arrived, is the rest coming separately?"),
    ("Courier left no note", "The driver claims he tried to deliver but left no card or note."),
    ("Reschedule delivery", "I will be away on Friday, can the delivery be moved to next week?"),
    ("Return not received", "I sent the return two weeks ago, has the warehouse received it?"),
    ("Order not shipped", "My order from ten days ago still shows as not shipped yet."),
    ("Wrong address on label", "The shipping label has my old address even though I updated it."),
    ("Lost package", "The courier says the package is lost, please send a replacement."),
]
rows = []
n = 0
for queue, items in (("billing", billing), ("technical", technical), ("shipping", shipping)):
    for i, (subject, body) in enumerate(items):
        prio = ("low", "normal", "high")[(n * 7) % 3]
        if prio == "high":
            subject = "URGENT: " + subject
            body = body + " This is blocking us, please answer today."
        elif prio == "low":
            body = body + " No rush, whenever you have time."
        rows.append([f"T-{10457 + n * 13}", f"2024-03-{1 + n % 28:02d}T{8 + n % 10:02d}:{n % 60:02d}:00Z",
                     f"customer{n}@example{n % 7}.com", subject, body, queue, prio])
        n += 1
rows[3][6] = "   "  # a whitespace-only label
with open(sys.argv[1], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["ticket_id", "created_at", "customer_email", "subject", "body", "queue", "priority"])
    w.writerows(rows)
PY
# Two texts from a Latin-1 system: é as the single byte 0xE9.
sed -i -e 's/Refund request/Refund r\xe9quest/' -e 's/Wrong item delivered/Wrong item d\xe9livered/' "$tmp/export.csv"
[ "$(grep -c $'\xe9' "$tmp/export.csv" || true)" = 2 ] || fail "test data: expected two Latin-1 lines"
rows=$(($(wc -l < "$tmp/export.csv") - 1))

# 1. Columns from the command line.
"$exe" train --data "$tmp/export.csv" --text subject --text body --head queue=department --head priority \
  --out "$tmp/m1.json" --seed 3 > "$tmp/t1.out" 2> "$tmp/t1.err" || fail "train with --head: $(cat "$tmp/t1.err")"
grep -q "export.csv:[0-9]*: 2 byte(s) that are not UTF-8 in 2 text(s) replaced by U+FFFD" "$tmp/t1.err" \
  || fail "no U+FFFD repair warning with its count: $(cat "$tmp/t1.err")"
grep -q "export.csv:5: label of head \"priority\" is whitespace only; treated as missing" "$tmp/t1.err" \
  || fail "no warning for the whitespace-only label: $(cat "$tmp/t1.err")"
if grep -q "looks like" "$tmp/t1.err"; then fail "--head given, yet columns were judged: $(cat "$tmp/t1.err")"; fi
python3 - "$tmp/m1.json" <<'PY' || fail "artifact of train --head"
import json, sys
m = json.load(open(sys.argv[1]))
heads = [h["name"] for h in m["heads"]]
assert heads == ["department", "priority"], heads
assert sorted(m["heads"][0]["labels"]) == ["billing", "shipping", "technical"], m["heads"][0]["labels"]
assert sorted(m["heads"][1]["labels"]) == ["high", "low", "normal"], m["heads"][1]["labels"]  # "   " is no class
assert m["data"]["text"] == ["subject", "body"], m["data"]
assert m["data"]["heads"] == {"queue": "department", "priority": "priority"}, m["data"]
texts = [c["text"] for c in m.get("self_test", {}).get("cases", [])]
assert all("\xe9" not in t for t in texts)
PY

# 2. Without --head: id, date and e-mail columns are left out, one warning each naming the flag.
"$exe" train --data "$tmp/export.csv" --text subject --text body --out "$tmp/m2.json" --seed 3 \
  > "$tmp/t2.out" 2> "$tmp/t2.err" || fail "train without --head: $(cat "$tmp/t2.err")"
for col in ticket_id created_at customer_email; do
  [ "$(grep -c "field \"$col\" .*not a head; --head $col " "$tmp/t2.err")" = 1 ] \
    || fail "expected one warning naming $col and --head $col: $(cat "$tmp/t2.err")"
done
grep -q 'field "ticket_id" looks like an identifier' "$tmp/t2.err" || fail "ticket_id reason"
grep -q 'field "created_at" looks like dates' "$tmp/t2.err" || fail "created_at reason"
grep -q 'field "customer_email" looks like e-mail' "$tmp/t2.err" || fail "customer_email reason"
python3 -c 'import json,sys; h=[x["name"] for x in json.load(open(sys.argv[1]))["heads"]]; assert h==["queue","priority"], h' \
  "$tmp/m2.json" || fail "heads without --head are not exactly queue, priority"

# 3. eval on the export with no config: the stored mapping reads it.
"$exe" eval --model "$tmp/m1.json" --data "$tmp/export.csv" > "$tmp/e.out" 2> "$tmp/e.err" \
  || fail "eval without config: $(cat "$tmp/e.err")"
grep -q "== department" "$tmp/e.out" || fail "eval: no department head: $(cat "$tmp/e.out")"
grep -q "== priority" "$tmp/e.out" || fail "eval: no priority head"
[ "$(wc -l < "$tmp/e.err")" -le 21 ] || fail "eval printed more than 20 warnings and a summary"
cov=$(sed -n 's/.*coverage (rows not flagged): \([0-9]*\) of \([0-9]*\).*/\1 \2/p' "$tmp/e.out")
[ -n "$cov" ] || fail "eval prints no coverage: $(cat "$tmp/e.out")"
set -- $cov
[ "$2" = "$rows" ] || fail "eval scored $2 rows, the export has $rows"
[ "$1" -gt 0 ] && [ "$1" -lt "$2" ] || fail "review coverage $1 of $2: expected strictly between 0 and 100%"

# 4. predict on the export with no config.
"$exe" predict --model "$tmp/m1.json" --data "$tmp/export.csv" --output labels > "$tmp/p.out" 2> "$tmp/p.err" \
  || fail "predict --data: $(cat "$tmp/p.err")"
[ "$(wc -l < "$tmp/p.out")" = "$rows" ] || fail "predict: expected $rows lines, got $(wc -l < "$tmp/p.out")"
python3 - "$exe" "$tmp" <<'PY' || fail "predict --data output"
import csv, json, subprocess, sys
exe, tmp = sys.argv[1], sys.argv[2]
lines = [json.loads(l) for l in open(tmp + "/p.out")]
rows = list(csv.reader(open(tmp + "/export.csv", encoding="utf-8", errors="replace")))[1:]
assert [l["id"] for l in lines] == list(range(2, len(rows) + 2)), [l["id"] for l in lines][:5]
assert all(l["department"] in ("billing", "shipping", "technical") for l in lines)
assert all(l["priority"] in ("high", "low", "normal") for l in lines)
# Each row is read as subject and body joined by a newline, as in training.
for k in (0, 25, 59):
    out = subprocess.run([exe, "predict", "--model", tmp + "/m1.json", "--output", "labels",
                          "--text", rows[k][3] + "\n" + rows[k][4]], check=True, capture_output=True, text=True).stdout
    one = json.loads(out)
    assert (one["department"], one["priority"]) == (lines[k]["department"], lines[k]["priority"]), (k, one, lines[k])
PY

"$exe" predict --model "$tmp/m1.json" --data "$tmp/export.csv" --id ticket_id --output labels --format csv \
  > "$tmp/p.csv" 2> "$tmp/p.err" || fail "predict --data --id: $(cat "$tmp/p.err")"
[ "$(sed -n 1p "$tmp/p.csv")" = "id,department,priority" ] || fail "predict csv header: $(sed -n 1p "$tmp/p.csv")"
[ "$(sed -n 2p "$tmp/p.csv" | cut -d, -f1)" = "T-10457" ] || fail "predict --id: $(sed -n 2p "$tmp/p.csv")"
[ "$(wc -l < "$tmp/p.csv")" = "$((rows + 1))" ] || fail "predict --id: expected $rows rows"

# 5. A small export gives a small model.
size=$(wc -c < "$tmp/m1.json")
[ "$size" -lt 200000 ] || fail "artifact of $size bytes for $rows rows (expected under 200 KB)"
echo "ok: heads department+priority, coverage $1/$2, artifact $size bytes"
