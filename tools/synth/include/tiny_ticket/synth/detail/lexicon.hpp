// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <vector>

// Slot fillers. Everything here is invented for this generator; business names
// are made up, competitor names are well-known brands because real tickets
// name them ("moving to Jio") and a model should have seen that.
// Entries may themselves contain template syntax ({slot}, [a|b]).

namespace tiny_ticket::synth::detail {

using words = std::vector<const char*>;

/// Bit flags for the six business sectors a scenario can come from.
namespace sec {
inline constexpr unsigned saas = 1u << 0;
inline constexpr unsigned shop = 1u << 1;  // e-commerce
inline constexpr unsigned fin = 1u << 2;   // fintech, wallets, cards
inline constexpr unsigned food = 1u << 3;  // food, grocery and courier delivery
inline constexpr unsigned tel = 1u << 4;   // telecom and broadband
inline constexpr unsigned trav = 1u << 5;  // travel and hotels
inline constexpr unsigned all = (1u << 6) - 1;
inline constexpr std::size_t count = 6;
}  // namespace sec

/// Vocabulary of one sector. Order-id patterns: '#' digit, '&' capital letter,
/// '*' capital letter or digit, '~' a literal '#'.
struct sector_lexicon {
    const char* name;
    words businesses;
    words items;
    words order_nouns;
    words order_ids;
    words plans;
    words features;
    words app_parts;
    words competitors;
    words actions;  // what the user was doing when something broke
};

/// The six sectors, indexed by the bit position in `sec`.
inline const std::vector<sector_lexicon>& sectors() {
    static const std::vector<sector_lexicon> v{
        {"saas",
         {"Flowdesk", "Taskhive", "Ledgerly", "Pipewise", "Brightboard", "Notably", "Cloudnest", "Trackwise",
          "Syncly", "Hubbly", "Deskpilot", "Metricly", "Teamloop", "Docuflow", "Mailforge", "Shiftboard",
          "Formcraft", "Quillstack", "Invoicely Pro", "Scribehub"},
         {"Pro subscription", "annual plan", "team plan", "extra seats", "storage add-on", "monthly subscription",
          "premium licence", "analytics add-on"},
         {"subscription", "account", "workspace", "plan"},
         {"INV-#####", "INV-202#-####", "SUB-######", "ACCT-####&&"},
         {"Starter", "Basic", "Pro", "Plus", "Team", "Business", "Growth", "Premium", "Scale", "Professional"},
         {"SSO", "SAML login", "audit logs", "a public API", "a Zapier integration", "a Slack integration",
          "custom fields", "bulk CSV import", "CSV export", "dark mode", "offline mode", "recurring tasks",
          "Gantt charts", "role-based permissions", "two-factor authentication", "an Android app",
          "Google Calendar sync", "custom domains", "webhooks", "keyboard shortcuts", "a Jira integration",
          "multi-currency invoices", "time tracking", "guest access", "version history", "an Outlook add-in"},
         {"dashboard", "reports page", "settings page", "editor", "inbox", "calendar view", "billing page",
          "admin console", "mobile app", "desktop app", "search bar", "file uploader"},
         {"Asana", "Trello", "Notion", "Monday.com", "ClickUp", "HubSpot", "Zoho", "Freshdesk", "Zendesk",
          "Salesforce", "Basecamp", "Airtable"},
         {"upload a file", "export a report", "invite a teammate", "save a document", "open the dashboard",
          "connect our calendar", "generate an invoice", "share a board"}},
        {"shop",
         {"ShopNest", "Cartly", "Bazaarify", "UrbanKart", "StyleHub", "GadgetGully", "HomeHaus", "TrendBazaar",
          "ClickCart", "Velvet & Co", "KiddoKart", "Desi Threads", "Mega Mart Online", "Nookly Home",
          "SoleStreet", "Gizmo Galaxy"},
         {"running shoes", "wireless earbuds", "blue cotton kurta", "air fryer", "phone case", "standing desk",
          "office chair", "yoga mat", "smartwatch", "bedsheet set", "coffee maker", "laptop bag",
          "pressure cooker", "winter jacket", "43-inch TV", "mixer grinder", "pair of jeans", "silk saree",
          "baby stroller", "gaming mouse", "bluetooth speaker", "set of six glasses", "hair dryer",
          "school backpack", "water purifier", "leather wallet", "study lamp", "non-stick pan"},
         {"order", "parcel", "package", "shipment"},
         {"~#######", "OD############", "~&#####", "ORD-######", "#########"},
         {"Plus membership", "Gold membership", "Premium membership", "VIP club"},
         {"a wishlist share option", "order filters by date", "cash on delivery for more pin codes",
          "size guides with real measurements", "a dark mode in the app", "scheduled deliveries",
          "UPI autopay", "no-cost EMI options", "price drop alerts", "a compare button", "video reviews",
          "gift wrapping", "one-click reorder", "a store pickup option"},
         {"checkout page", "cart", "app", "website", "product page", "order history", "wishlist",
          "payment page", "returns page"},
         {"Amazon", "Flipkart", "Myntra", "Meesho", "Etsy", "eBay", "Walmart", "Ajio", "Nykaa"},
         {"check out", "apply a coupon", "add items to my cart", "track my order", "start a return",
          "save my address", "pay with UPI"}},
        {"fin",
         {"PayWave", "Coinpurse", "Zenbank", "Ledgerline", "Paynest", "Walletly", "Finbridge", "Moneta",
          "Kashly", "TrustPay", "Vaultly", "BrightPay", "Rupeeflow", "Nimbus Money"},
         {"premium card", "money transfer", "wallet top-up", "international transfer", "metal card",
          "annual card fee", "bill payment", "credit line"},
         {"transaction", "transfer", "payment"},
         {"TXN##########", "UTR############", "REF-########", "PW*********"},
         {"Premium", "Metal", "Plus", "Business", "Pro Trader", "Standard"},
         {"UPI Lite", "spending insights", "joint accounts", "recurring transfers", "a virtual card",
          "statement export to Excel", "multi-currency wallets", "Apple Pay support", "round-up savings",
          "bill splitting", "fingerprint login", "instant settlements", "a sandbox API", "spending limits per card"},
         {"app", "transfers screen", "statement page", "card settings", "KYC page", "UPI section",
          "merchant dashboard"},
         {"Paytm", "PhonePe", "Google Pay", "Revolut", "Wise", "PayPal", "Stripe", "Razorpay", "Cash App", "Monzo"},
         {"send money", "add a beneficiary", "download my statement", "complete KYC", "freeze my card",
          "pay a bill", "top up my wallet"}},
        {"food",
         {"QuickBite", "Dashly", "ParcelPro", "SwiftDrop", "FeastFleet", "Dabba Express", "GoCourier",
          "Tiffin Tales", "RapidRoute", "FreshBasket", "Biryani Box", "Zoomcart Grocery"},
         {"chicken biryani", "large pepperoni pizza", "paneer tikka meal", "grocery order", "parcel",
          "documents envelope", "birthday cake", "veg thali", "weekly meal box", "milk and bread",
          "sushi platter", "burger combo", "fruit basket", "medicine order"},
         {"order", "delivery", "parcel", "shipment"},
         {"QB######", "AWB##########", "~#####", "DL-#######", "FD######"},
         {"Gold membership", "One membership", "Pro pass", "Business account"},
         {"contactless delivery notes", "scheduled orders", "live rider tracking", "group ordering",
          "a reusable packaging option", "tipping after delivery", "a GST invoice for every order",
          "bulk shipping labels", "pickup time slots", "a veg-only filter"},
         {"app", "rider tracking map", "cart", "checkout", "order history", "address book"},
         {"Swiggy", "Zomato", "Uber Eats", "DoorDash", "Deliveroo", "Blinkit", "Zepto", "Delhivery", "DHL",
          "FedEx", "Dunzo"},
         {"place an order", "add a tip", "change my address", "book a pickup", "pay at checkout",
          "track the rider"}},
        {"tel",
         {"Airlink", "SkyTel", "NetZoom", "Volt Mobile", "FiberOne", "Skyline Broadband", "ConnectX",
          "Tarang Telecom", "Nimbus Fiber", "Orbit Mobile"},
         {"fibre connection", "5G SIM", "new router", "postpaid plan", "family plan",
          "international roaming pack", "data pack", "broadband plan", "set-top box"},
         {"connection", "plan", "recharge", "order"},
         {"ACC########", "CRN#########", "##########", "SR-#######"},
         {"Unlimited 599", "Fibre 100", "Fibre 300", "Postpaid Plus", "Family 4-line", "5G Max", "Basic 199",
          "Business Fibre"},
         {"eSIM support", "Wi-Fi calling", "data rollover", "a data usage widget", "parental controls",
          "usage alerts", "a static IP option", "bill in Hindi", "roaming alerts"},
         {"app", "self-care portal", "recharge page", "bill page", "router admin page"},
         {"Jio", "Airtel", "Vi", "BSNL", "Verizon", "T-Mobile", "AT&T", "Vodafone", "Comcast"},
         {"recharge", "pay my bill", "activate roaming", "port my number", "check my data balance",
          "log in to the router"}},
        {"trav",
         {"TripNest", "FlyEasy", "StayScape", "Wanderly", "Yatrify", "SkyRoute Travels", "Roamly",
          "HolidayHub", "Jetwise", "Safarnama Tours"},
         {"flight to {city}", "hotel booking in {city}", "return tickets to {city}", "bus ticket to {city}",
          "holiday package to {city}", "train ticket to {city}", "homestay in {city}"},
         {"booking", "reservation", "ticket", "trip"},
         {"PNR ******", "BK-#######", "HTL#######", "TRP-&&####"},
         {"Elite membership", "Gold tier", "Corporate plan", "Travel Pro"},
         {"fare alerts", "a split payment option", "a free cancellation filter", "calendar export for itineraries",
          "seat selection in the app", "group booking", "price lock", "a visa checklist"},
         {"app", "booking page", "payment page", "my trips section", "seat map", "search results page"},
         {"MakeMyTrip", "Booking.com", "Expedia", "Airbnb", "Goibibo", "Agoda", "Cleartrip", "Skyscanner"},
         {"book a flight", "select seats", "pay for my booking", "download my ticket", "add a passenger",
          "apply a coupon"}},
    };
    return v;
}

/// Shared filler lists, keyed by slot name in compose.hpp.
struct global_lexicon {
    words first_names, last_names, agents, cities, countries, companies, titles, errors, devices, payments,
        promos, email_domains, addresses, apps;
};

inline const global_lexicon& globals() {
    static const global_lexicon g{
        {"Aarav", "Priya", "Rohan", "Ananya", "Vikram", "Sneha", "Arjun", "Neha", "Rahul", "Pooja", "Karan",
         "Divya", "Amit", "Kavya", "Sara", "John", "Emily", "Michael", "Olivia", "David", "Sophie", "James",
         "Fatima", "Omar", "Chen", "Mei", "Lucas", "Maria", "Diego", "Aisha", "Kwame", "Tom", "Hannah", "Ravi",
         "Meera", "Siddharth", "Ishaan", "Zoya", "Carlos", "Grace", "Nikhil", "Tanvi", "Daniel", "Leah", "Yusuf",
         "Ngozi", "Kenji", "Anjali", "Harpreet", "Lena"},
        {"Sharma", "Patel", "Iyer", "Gupta", "Reddy", "Singh", "Khan", "Nair", "Mehta", "Das", "Smith",
         "Johnson", "Brown", "Williams", "Garcia", "M\xC3\xBCller", "Lee", "Chen", "Okafor", "Silva", "Kowalski",
         "Rossi", "Taylor", "Fernandes", "Bose", "Joshi", "Kapoor", "Menon", "O'Brien", "Nguyen", "Haddad",
         "Banerjee", "Verma", "Clarke"},
        {"Riya", "Sam", "Alex", "Megha", "Imran", "Jess", "Kunal", "Nisha", "Mark", "Deepa", "Tariq", "Ben",
         "Shreya", "Vivek", "Anna", "Rakesh", "Chloe", "Farhan"},
        {"Mumbai", "Delhi", "Bangalore", "Pune", "Hyderabad", "Chennai", "Kolkata", "Jaipur", "Goa", "Lucknow",
         "Ahmedabad", "Kochi", "London", "New York", "Dubai", "Singapore", "Toronto", "Sydney", "Berlin",
         "Manchester", "Austin", "Lisbon", "Nairobi", "Lagos", "Manila", "Chandigarh", "Indore", "Bhopal"},
        {"Canada", "the UK", "the UAE", "Australia", "Singapore", "Germany", "Nepal", "the US", "Sri Lanka",
         "Kenya", "Ireland", "New Zealand"},
        {"Acme Logistics", "Brightside Studio", "Northwind Traders", "Sunrise Clinics", "Greenleaf Foods",
         "Pixel Forge", "Bluepeak Consulting", "Orbit Labs", "Kiran Textiles", "Lotus Dental",
         "Nimbus Analytics", "Redwood Legal", "Sahyadri Exports", "Harbor & Pine", "Tinkerbox Robotics",
         "Maple Street Bakery", "Vertex Realty", "Saffron Events"},
        {"Operations Manager", "Head of IT", "Founder", "CTO", "Finance Lead", "Office Manager",
         "Procurement Lead", "Product Manager", "HR Manager", "Marketing Director", "IT Admin", "COO"},
        {"Error 500", "ERR_CONNECTION_TIMED_OUT", "Something went wrong. Please try again.", "Session expired",
         "Payment gateway timeout", "Error code E-4021", "403 Forbidden", "Unable to load data",
         "Request failed with status code 502", "Invalid token", "Oops! We hit a snag", "Network error",
         "Service unavailable", "Error 0x80070005", "Unknown error occurred", "Too many requests"},
        {"iPhone 13", "iPhone 15", "Samsung Galaxy S21", "Pixel 7", "OnePlus 9", "Redmi Note 10",
         "Windows laptop", "MacBook", "iPad", "Chrome on Windows", "Safari on Mac", "Android phone",
         "Vivo Y20", "Firefox"},
        {"Visa card", "Mastercard", "debit card", "credit card", "UPI", "Google Pay", "PayPal", "net banking",
         "Amex", "Apple Pay", "wallet balance", "PhonePe"},
        {"SAVE20", "WELCOME10", "FESTIVE50", "FIRST100", "DIWALI25", "SUMMER15", "FREESHIP", "NEWUSER"},
        {"gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "rediffmail.com", "proton.me"},
        {"Flat {small}B, Lakeview Apartments, {city}", "{small}2 MG Road, {city}",
         "House No. {small}4, Sector {small}, {city}", "{small}7 Park Street, {city}",
         "Plot {small}, Green Avenue, {city}", "Apartment {small}0{small}, Riverside Towers, {city}"},
        {"app", "website", "mobile app", "web app"},
    };
    return g;
}

}  // namespace tiny_ticket::synth::detail
