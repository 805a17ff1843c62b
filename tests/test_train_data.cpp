// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <tiny_ticket/train/data.hpp>
#include <tiny_ticket/train/metrics.hpp>

using namespace tiny_ticket;
using namespace tiny_ticket::train;

namespace {

dataset read(const std::string& content, const std::string& name, const read_options& opt = {}) {
    dataset d;
    read_data_string(content, name, opt, d);
    return d;
}

template <class F>
data_error expect_data_error(F&& f) {
    try {
        f();
    } catch (const data_error& e) {
        return e;
    }
    FAIL("expected a data_error");
    return data_error(errc::data, "", "");
}

}  // namespace

TEST_CASE("JSONL values: escapes, surrogate pairs, number labels as written, nested metadata skipped") {
    const dataset d = read(
        R"({"text": "q\"\\\/\n\u00e9\ud83d\ude00", "a": 2.50, "b": 7, "c": true, "meta": [1, {"intent": "x"}], "intent": "y"})"
        "\n",
        "v.jsonl");
    REQUIRE(d.rows.size() == 1);
    CHECK(d.rows[0].text == "q\"\\/\n\xc3\xa9\xf0\x9f\x98\x80");
    CHECK(*d.rows[0].label("a") == "2.50");
    CHECK(*d.rows[0].label("b") == "7");
    CHECK(*d.rows[0].label("c") == "true");
    CHECK(d.rows[0].label("meta") == nullptr);
    CHECK(*d.rows[0].label("intent") == "y");  // the nested "intent" is metadata, not this head
    CHECK(d.warnings.empty());
}

TEST_CASE("JSONL errors name the column and what was wrong, never the raw bytes read") {
    const std::string long_text(1 << 16, 'x');
    const std::string content =
        "{\"text\": \"a\", \"intent\": \"b\"}\n"
        "{\"text\" 1}\n"
        "{\"text\": \"" + long_text + "\n"
        "{\"text\": \"caf\xe9\", \"intent\": \"b\"}\n"
        "{\"text\": \"a\", \"intent\": \"b\"} x\n"
        "{\"text\": \"a\", \"intent\": 1e999}\n";
    const dataset d = read(content, "e.jsonl");
    // The Latin-1 line is repaired (U+FFFD), not skipped; the file's repair
    // notice comes before the row warnings.
    REQUIRE(d.rows.size() == 2);
    CHECK(d.rows[1].text == "caf\xEF\xBF\xBD");
    REQUIRE(d.warnings.size() == 5);
    CHECK(d.warnings[0].where == "e.jsonl:4");
    CHECK(d.warnings[0].message.find("1 byte(s) that are not UTF-8 in 1 text(s) replaced by U+FFFD") == 0);
    for (std::size_t i = 1; i < d.warnings.size(); ++i) {
        const auto& w = d.warnings[i];
        CAPTURE(w.message);
        CHECK(w.message.rfind("invalid JSON at column ", 0) == 0);
        CHECK(w.message.find("json.exception") == std::string::npos);
        CHECK(w.message.size() < 200);
    }
    CHECK(d.warnings[1].where == "e.jsonl:2");
    CHECK(d.warnings[1].message == "invalid JSON at column 9: unexpected number literal; expected ':'");
    CHECK(d.warnings[2].message.find("missing closing quote") != std::string::npos);
    CHECK(d.warnings[3].message.find("expected end of input") != std::string::npos);
    CHECK(d.warnings[4].message.find("number overflow") != std::string::npos);
}

TEST_CASE("JSONL rows: any subset of heads, bad lines reported with file:line") {
    const std::string content =
        "{\"text\": \"refund please\", \"intent\": \"refund\", \"sentiment\": \"negative\", \"id\": 7}\n"
        "{not json\n"
        "\n"
        "{\"text\": \"where is my parcel\", \"intent\": \"tracking\"}\n"
        "[1, 2]\n"
        "{\"intent\": \"refund\"}\n"
        "{\"text\": 5, \"intent\": \"refund\"}\n"
        "{\"text\": \"great app\", \"sentiment\": \"positive\", \"meta\": {\"x\": 1}, \"intent\": null}\n"
        "{\"text\": \"no labels here\"}\n"
        "{\"text\": \"   \", \"intent\": \"refund\"}\r\n";
    const dataset d = read(content, "rows.jsonl");
    REQUIRE(d.rows.size() == 3);
    CHECK(d.rows[0].where == "rows.jsonl:1");
    CHECK(*d.rows[0].label("intent") == "refund");
    CHECK(*d.rows[0].label("sentiment") == "negative");
    CHECK(d.rows[0].label("id") == nullptr);  // ignored by default
    CHECK(d.rows[1].where == "rows.jsonl:4");
    CHECK(d.rows[1].label("sentiment") == nullptr);
    CHECK(d.rows[2].label("intent") == nullptr);  // null = missing
    CHECK(d.rows[2].label("meta") == nullptr);
    REQUIRE(d.warnings.size() == 6);
    CHECK(d.warnings[0].where == "rows.jsonl:2");
    CHECK(d.warnings[0].message.find("invalid JSON") != std::string::npos);
    CHECK(d.warnings[1].where == "rows.jsonl:5");
    CHECK(d.warnings[1].message.find("expected a JSON object, got an array") != std::string::npos);
    CHECK(d.warnings[2].where == "rows.jsonl:6");
    CHECK(d.warnings[2].message.find("\"text\"") != std::string::npos);
    CHECK(d.warnings[3].where == "rows.jsonl:7");
    CHECK(d.warnings[4].where == "rows.jsonl:9");
    CHECK(d.warnings[4].message.find("label") != std::string::npos);
    CHECK(d.warnings[5].where == "rows.jsonl:10");
}

TEST_CASE("a file without a usable row is a data_error naming file:line") {
    auto e = expect_data_error([] { read("", "empty.jsonl"); });
    CHECK(e.code() == errc::data);
    CHECK(e.where() == "empty.jsonl:1");
    e = expect_data_error([] { read("\n{\"text\": \"a\"}\n{oops\n", "bad.jsonl"); });
    CHECK(e.where() == "bad.jsonl:2");
    CHECK(std::string(e.what()).find("bad.jsonl:2") != std::string::npos);
    e = expect_data_error([] { read("text,intent\n", "header_only.csv"); });
    CHECK(e.where() == "header_only.csv:1");
}

TEST_CASE("CSV: RFC 4180 quoting with quoted newlines, doubled quotes and CRLF") {
    const std::string content =
        "text,intent,sentiment\r\n"
        "\"refund, please\",refund,negative\r\n"
        "\"line one\nline two \"\"quoted\"\"\",tracking,\r\n"
        "plain,refund,positive\r\n"
        "too,many,fields,here\r\n"
        "last,tracking,neutral";
    const dataset d = read(content, "t.csv");
    REQUIRE(d.rows.size() == 4);
    CHECK(d.rows[0].text == "refund, please");
    CHECK(d.rows[1].text == "line one\nline two \"quoted\"");
    CHECK(d.rows[1].where == "t.csv:3");
    CHECK(d.rows[1].label("sentiment") == nullptr);  // empty cell = missing
    CHECK(d.rows[2].text == "plain");
    CHECK(d.rows[2].where == "t.csv:5");  // the quoted newline moved every later line by one
    CHECK(d.rows[3].where == "t.csv:7");
    CHECK(*d.rows[3].label("sentiment") == "neutral");
    REQUIRE(d.warnings.size() == 1);
    CHECK(d.warnings[0].where == "t.csv:6");
    CHECK(d.warnings[0].message == "expected 3 fields, got 4");
}

TEST_CASE("CSV: column mapping, unknown columns and unterminated quotes") {
    read_options opt;
    opt.columns = {{"category", "intent"}};
    const dataset d = read("text,category,other\nhi,greet,x\n", "m.csv", opt);
    REQUIRE(d.rows.size() == 1);
    CHECK(*d.rows[0].label("intent") == "greet");
    CHECK(d.rows[0].label("other") == nullptr);

    opt.columns = {{"label", "intent"}};
    auto e = expect_data_error([&] { read("text,category\nhi,greet\n", "m.csv", opt); });
    CHECK(e.where() == "m.csv:1");
    CHECK(e.message().find("\"label\"") != std::string::npos);
    CHECK(e.message().find("\"category\"") != std::string::npos);

    e = expect_data_error([] { read("body,intent\nhi,greet\n", "n.csv"); });
    CHECK(e.message().find("text column \"text\"") != std::string::npos);

    const dataset u = read("text,intent\nok,a\n\"never closed,b\n", "u.csv");
    REQUIRE(u.rows.size() == 1);
    REQUIRE(u.warnings.size() == 1);
    CHECK(u.warnings[0].where == "u.csv:3");
    CHECK(u.warnings[0].message.find("closing") != std::string::npos);

    read_options tsv;
    const dataset t = read("text\tintent\na, b\tx\n", "t.tsv", tsv);
    REQUIRE(t.rows.size() == 1);
    CHECK(t.rows[0].text == "a, b");
}

TEST_CASE("label mapping renames, merges and drops labels") {
    read_options opt;
    opt.labels = {{"intent", "refund_request", "refund"}, {"intent", "money_back", "refund"}, {"*", "unknown", ""}};
    const dataset d = read(
        "{\"text\": \"a\", \"intent\": \"refund_request\"}\n"
        "{\"text\": \"b\", \"intent\": \"money_back\", \"sentiment\": \"unknown\"}\n"
        "{\"text\": \"c\", \"intent\": \"unknown\", \"sentiment\": \"positive\"}\n"
        "{\"text\": \"d\", \"sentiment\": \"refund_request\"}\n",
        "map.jsonl", opt);
    REQUIRE(d.rows.size() == 4);
    CHECK(*d.rows[0].label("intent") == "refund");
    CHECK(*d.rows[1].label("intent") == "refund");
    CHECK(d.rows[1].label("sentiment") == nullptr);
    CHECK(d.rows[2].label("intent") == nullptr);
    CHECK(*d.rows[3].label("sentiment") == "refund_request");  // the mapping is per head
}

TEST_CASE("corrections override labels of rows with the same text") {
    dataset d = read(
        "{\"text\": \"refund please\", \"intent\": \"billing\", \"sentiment\": \"negative\"}\n"
        "{\"text\": \"where is it\", \"intent\": \"tracking\"}\n"
        "{\"text\": \"refund please\", \"intent\": \"billing\"}\n",
        "d.jsonl");
    const dataset c = read(
        "{\"text\": \"  refund please \", \"intent\": \"refund\"}\n"
        "{\"text\": \"brand new\", \"intent\": \"other\"}\n",
        "c.jsonl");
    const correction_stats st = apply_corrections(d, c);
    CHECK(st.rows_changed == 2);
    CHECK(st.rows_added == 1);
    REQUIRE(d.rows.size() == 4);
    CHECK(*d.rows[0].label("intent") == "refund");
    CHECK(*d.rows[0].label("sentiment") == "negative");  // heads the correction does not name are kept
    CHECK(*d.rows[1].label("intent") == "tracking");
    CHECK(*d.rows[2].label("intent") == "refund");
    CHECK(d.rows[3].text == "brand new");
}

TEST_CASE("drop_near_duplicates removes paraphrases of held-out texts, not other rows") {
    dataset d = read(
        "{\"text\": \"Where is my order #88123? Placed it on Monday.\", \"intent\": \"tracking\"}\n"  // 8 of 8 words shared
        "{\"text\": \"where is my ORDER 5521, placed monday\", \"intent\": \"tracking\"}\n"          // 6 of 8
        "{\"text\": \"where is my refund\", \"intent\": \"refund\"}\n"                               // 3 of 9
        "{\"text\": \"12345 !!!\", \"intent\": \"other\"}\n"                                        // no words
        "{\"text\": \"please cancel my plan\", \"intent\": \"cancel\"}\n",
        "d.jsonl");
    const dataset held = read(
        "{\"text\": \"where is my order? placed it on monday\", \"intent\": \"tracking\"}\n"
        "{\"text\": \"i love it\", \"intent\": \"praise\"}\n",
        "h.jsonl");
    dataset strict = d;
    const near_duplicate_stats all = drop_near_duplicates(strict, held, 1.0);
    CHECK(all.rows_dropped == 1);
    CHECK(all.held_out_hit == 1);
    REQUIRE(strict.rows.size() == 4);
    CHECK(strict.rows[0].text == "where is my ORDER 5521, placed monday");

    const near_duplicate_stats st = drop_near_duplicates(d, held);  // default threshold 0.5
    CHECK(st.rows_dropped == 2);
    CHECK(st.held_out_hit == 1);
    REQUIRE(d.rows.size() == 3);
    CHECK(d.rows[0].text == "where is my refund");
    CHECK(d.rows[1].text == "12345 !!!");
    CHECK(d.rows[2].text == "please cancel my plan");
    CHECK(*d.rows[2].label("intent") == "cancel");

    CHECK_THROWS_AS(drop_near_duplicates(d, held, 0.0), tiny_ticket::error);
    CHECK_THROWS_AS(drop_near_duplicates(d, held, 1.5), tiny_ticket::error);
}

TEST_CASE("read_data_file: missing files are io errors; files and formats by extension") {
    const auto dir = std::filesystem::temp_directory_path() / "tiny_ticket_test_train_data";
    std::filesystem::create_directories(dir);
    {
        std::ofstream(dir / "a.csv") << "text,intent\nhello,greet\n";
        std::ofstream(dir / "b.jsonl") << "{\"text\": \"bye\", \"intent\": \"leave\"}\n";
    }
    const dataset d = read_data_files({dir / "a.csv", dir / "b.jsonl"});
    REQUIRE(d.rows.size() == 2);
    CHECK(d.rows[0].where == (dir / "a.csv").string() + ":2");
    CHECK(d.rows[1].where == (dir / "b.jsonl").string() + ":1");
    try {
        (void)read_data_files({dir / "missing.jsonl"});
        FAIL("expected an error");
    } catch (const data_error& e) {
        CHECK(e.code() == errc::io);
        CHECK(e.where().find("missing.jsonl") != std::string::npos);
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("metrics: accuracy, per-class scores, macro-F1 and confusion by hand") {
    // gold: a a a b b c ; pred: a a b b c c ; one unlabelled row ignored
    const std::vector<std::int32_t> gold = {0, 0, 0, 1, 1, 2, -1};
    const std::vector<std::int32_t> pred = {0, 0, 1, 1, 2, 2, 0};
    const head_metrics m = compute_head_metrics("h", {"a", "b", "c"}, gold, pred);
    CHECK(m.examples == 6);
    CHECK(m.accuracy == doctest::Approx(4.0 / 6));
    CHECK(m.confusion[0][0] == 2);
    CHECK(m.confusion[0][1] == 1);
    CHECK(m.confusion[1][2] == 1);
    CHECK(m.classes[0].precision == doctest::Approx(1.0));
    CHECK(m.classes[0].recall == doctest::Approx(2.0 / 3));
    CHECK(m.classes[1].precision == doctest::Approx(0.5));
    CHECK(m.classes[1].recall == doctest::Approx(0.5));
    CHECK(m.classes[2].precision == doctest::Approx(0.5));
    CHECK(m.classes[2].recall == doctest::Approx(1.0));
    const double f1a = 2 * 1.0 * (2.0 / 3) / (1.0 + 2.0 / 3), f1b = 0.5, f1c = 2 * 0.5 / 1.5;
    CHECK(m.macro_f1 == doctest::Approx((f1a + f1b + f1c) / 3));
    // A label that never occurs (gold or predicted) does not dilute macro-F1.
    const head_metrics m4 = compute_head_metrics("h", {"a", "b", "c", "d"}, gold, pred);
    CHECK(m4.macro_f1 == doctest::Approx(m.macro_f1));

    evaluation e;
    e.examples = 7;
    e.heads = {m, compute_head_metrics("empty", {"x", "y"}, {-1}, {0})};
    summarize(e);
    CHECK(e.mean_macro_f1 == doctest::Approx(m.macro_f1));  // heads without labels are left out
    const std::string table = render_table(e);
    CHECK(table.find("accuracy 0.6667") != std::string::npos);
    CHECK(table.find("confusion") != std::string::npos);
    const nlohmann::json js = to_json(e);
    CHECK(js.dump().find("\"confusion\":[[2,1,0],[0,1,1],[0,0,1]]") != std::string::npos);
    // 6 significant digits; whole numbers stay integers, as the text "1" always parsed back.
    CHECK(js["heads"]["h"]["accuracy"].dump() == "0.666667");
    CHECK(js["heads"]["h"]["per_class"]["a"]["precision"].dump() == "1");
    CHECK(js["heads"]["empty"]["accuracy"].dump() == "0");
}

TEST_CASE("UTF-8: bytes that are not UTF-8 in a text become U+FFFD, counted once per file") {
    const dataset d = read("text,intent\n"
                           "caf\xe9 order,food\n"
                           "fine text,food\n"
                           "na\xefve \xff\xfe question,other\n",
                           "u.csv");
    REQUIRE(d.rows.size() == 3);
    CHECK(d.rows[0].text == "caf\xEF\xBF\xBD order");
    CHECK(d.rows[2].text == "na\xEF\xBF\xBDve \xEF\xBF\xBD\xEF\xBF\xBD question");
    REQUIRE(d.warnings.size() == 1);
    CHECK(d.warnings[0].where == "u.csv:2");
    CHECK(d.warnings[0].message.find("4 byte(s) that are not UTF-8 in 2 text(s) replaced by U+FFFD") == 0);
    // Valid multi-byte sequences are kept; overlongs and surrogates are not UTF-8.
    std::string ok = "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", overlong = "\xc0\xaf", surrogate = "\xed\xa0\x80";
    CHECK(tiny_ticket::train::detail::repair_utf8(ok) == 0);
    CHECK(tiny_ticket::train::detail::repair_utf8(overlong) == 2);
    CHECK(tiny_ticket::train::detail::repair_utf8(surrogate) == 3);
    // JSONL lines are repaired before parsing, so the row is kept.
    const dataset j = read("{\"text\": \"caf\xe9\", \"intent\": \"a\"}\n", "u.jsonl");
    REQUIRE(j.rows.size() == 1);
    CHECK(j.rows[0].text == "caf\xEF\xBF\xBD");
}

TEST_CASE("UTF-8: a label that is not UTF-8 is an error with file:line, in CSV and JSONL") {
    auto e = expect_data_error([] { read("text,intent\nok,a\nfine,b\xe9\n", "l.csv"); });
    CHECK(e.where() == "l.csv:3");
    CHECK(e.message().find("the label of head \"intent\" holds bytes that are not UTF-8") == 0);
    e = expect_data_error([] { read("{\"text\": \"ok\", \"intent\": \"a\"}\n{\"text\": \"x\", \"intent\": \"\xe9\"}\n", "l.jsonl"); });
    CHECK(e.where() == "l.jsonl:2");
    e = expect_data_error([] { read("text,int\xe9nt\nok,a\n", "h.csv"); });
    CHECK(e.where() == "h.csv:1");
}

TEST_CASE("labels: whitespace-only is missing with a warning, surrounding spaces are trimmed") {
    const dataset d = read("text,intent,mood\nhello,  ,happy\nbye, a ,sad\n", "w.csv");
    REQUIRE(d.rows.size() == 2);
    CHECK(d.rows[0].label("intent") == nullptr);
    CHECK(*d.rows[1].label("intent") == "a");
    REQUIRE(d.warnings.size() == 1);
    CHECK(d.warnings[0].where == "w.csv:2");
    CHECK(d.warnings[0].message == "label of head \"intent\" is whitespace only; treated as missing");
}

TEST_CASE("a header-only CSV says no data rows") {
    auto e = expect_data_error([] { read("text,intent\n", "e.csv"); });
    CHECK(e.where() == "e.csv:1");
    CHECK(e.message().find("no data rows") == 0);
    e = expect_data_error([] { read("text,intent\r\n\r\n", "e.csv"); });
    CHECK(e.message().find("no data rows") == 0);
}

TEST_CASE("several text columns are joined with the separator, blank ones skipped") {
    read_options opt;
    opt.text_fields = {"subject", "body"};
    const dataset d = read("subject,body,intent\nRefund,I want my money,a\n,only body,b\nonly subject,  ,a\n", "t.csv", opt);
    REQUIRE(d.rows.size() == 3);
    CHECK(d.rows[0].text == "Refund\nI want my money");
    CHECK(d.rows[1].text == "only body");
    CHECK(d.rows[2].text == "only subject");
    CHECK(d.rows[0].label("subject") == nullptr);
    CHECK(d.text_fields == std::vector<std::string>{"subject", "body"});
    opt.text_separator = ". ";
    const dataset j = read("{\"subject\": \"Hi\", \"body\": \"there\", \"intent\": \"a\"}\n", "t.jsonl", opt);
    CHECK(j.rows[0].text == "Hi. there");
    auto e = expect_data_error([&] { read("subjet,body,intent\nx,y,a\n", "t.csv", opt); });
    CHECK(e.message().find("expected a text column \"subject\" in the header (closest: \"subjet\")") == 0);
}

TEST_CASE("id-like fields are no heads without columns: ids, dates, e-mails, free text; one warning each") {
    std::string csv = "ticket_id,created,email,note,text,queue\n";
    for (int i = 0; i < 24; ++i)
        csv += "T-" + std::to_string(1000 + i) + ",2024-03-" + std::to_string(10 + i) + " 10:0" + std::to_string(i % 10) +
               ",user" + std::to_string(i) + "@example.com,this is a long free text note written by a support rep on shift " +
               std::to_string(i % 3) + ",ticket " + std::to_string(i) + "," + (i % 2 ? "billing" : "shipping") + "\n";
    const dataset d = read(csv, "x.csv");
    REQUIRE(d.rows.size() == 24);
    CHECK(d.rows[0].labels.size() == 1);
    CHECK(*d.rows[0].label("queue") == "shipping");
    CHECK(d.ignored_fields == std::vector<std::string>{"ticket_id", "created", "email", "note"});
    REQUIRE(d.warnings.size() == 4);
    CHECK(d.warnings[0].where == "x.csv:1");
    CHECK(d.warnings[0].message.find("field \"ticket_id\" looks like an identifier (24 distinct values in 24 rows)") == 0);
    CHECK(d.warnings[0].message.find("--head ticket_id") != std::string::npos);
    CHECK(d.warnings[1].message.find("field \"created\" looks like dates") == 0);
    CHECK(d.warnings[2].message.find("field \"email\" looks like e-mail") == 0);
    CHECK(d.warnings[3].message.find("field \"note\" looks like free text") == 0);
    CHECK(d.head_fields == std::vector<std::pair<std::string, std::string>>{{"queue", "queue"}});
    // Explicit columns are never judged.
    read_options opt;
    opt.columns = {{"ticket_id", "id"}, {"queue", "department"}};
    const dataset e = read(csv, "x.csv", opt);
    CHECK(e.warnings.empty());
    CHECK(*e.rows[3].label("id") == "T-1003");
    // Few rows: distinct labels are a legitimate head.
    const dataset f = read("text,intent\na,x\nb,y\nc,z\n", "f.csv");
    CHECK(f.warnings.empty());
    CHECK(f.rows.size() == 3);
    CHECK_FALSE(tiny_ticket::train::detail::looks_like_date("T-1001"));
    CHECK_FALSE(tiny_ticket::train::detail::looks_like_date("10457-2"));
    CHECK(tiny_ticket::train::detail::looks_like_date("01/03/2024"));
    CHECK(tiny_ticket::train::detail::looks_like_date("2024-03-01T10:22:05Z"));
}

TEST_CASE("require_head_labels: a head naming no field suggests the closest, an empty one is a data_error") {
    const dataset d = read("text,queue,note\nhello,billing,\nbye,shipping, \n", "h.csv");
    CHECK_NOTHROW(require_head_labels(d, "queue", "cfg.json:/heads/0/name"));
    try {
        require_head_labels(d, "qeueu", "cfg.json:/heads/0/name");
        FAIL("expected an error");
    } catch (const error& e) {
        CHECK(e.code() == errc::argument);
        CHECK(e.where() == "cfg.json:/heads/0/name");
        CHECK(std::string(e.message()).find("head \"qeueu\" names no column of the data (closest: \"queue\")") == 0);
    }
    auto e = expect_data_error([&] { require_head_labels(d, "note", "cfg.json:/heads/1/name"); });
    CHECK(e.message().find("head \"note\" has no labels in the data") == 0);
    CHECK(tiny_ticket::train::detail::edit_distance("Queue", "queu") == 1);
}

TEST_CASE("id_field is copied to each row, never a head; text_only rows need no label") {
    read_options opt;
    opt.id_field = "ticket_id";
    opt.text_only = true;
    const dataset d = read("ticket_id,text,queue\nT-1,hello,\nT-2,bye,billing\n", "i.csv", opt);
    REQUIRE(d.rows.size() == 2);
    CHECK(d.rows[0].id == "T-1");
    CHECK(d.rows[0].line == 2);
    CHECK(d.rows[1].labels.empty());
    const dataset j = read("{\"text\": \"x\", \"ticket_id\": 7}\n", "i.jsonl", opt);
    CHECK(j.rows[0].id == "7");
    opt.id_field = "ticketid";
    auto e = expect_data_error([&] { read("ticket_id,text\nT-1,hello\n", "i.csv", opt); });
    CHECK(e.message().find("expected an id column \"ticketid\" in the header (closest: \"ticket_id\")") == 0);
}
