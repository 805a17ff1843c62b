// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace tiny_ticket {

/// The default lexicon for casual English and Hinglish (Hindi-English
/// code-mixing in Latin script): spelling variants and SMS-speak are folded
/// onto one English word, so "nahi mila", "nai mila" and "nhi mila" all become
/// "not received" and a model learns one token instead of five. Stored in
/// every artifact trained with it (training and serving cannot differ).
/// Words that are also common English ("the", "he", "par", "kal") are left out
/// on purpose: replacing them would corrupt English tickets.
inline std::vector<std::pair<std::string, std::string>> default_lexicon() {
    return {
        // negation
        {"nahi", "not"}, {"nahin", "not"}, {"nai", "not"}, {"nhi", "not"}, {"nahee", "not"}, {"nahii", "not"},
        {"nhin", "not"}, {"mat", "dont"},
        // money, payments
        {"paisa", "money"}, {"paise", "money"}, {"pesa", "money"}, {"paisaa", "money"}, {"paison", "money"},
        {"pese", "money"}, {"rupaye", "rupees"}, {"rupay", "rupees"}, {"rs", "rupees"},
        {"kat gaya", "deducted"}, {"kat gya", "deducted"}, {"kat gyi", "deducted"}, {"kat gayi", "deducted"},
        {"kata", "deducted"}, {"kaat liya", "deducted"}, {"kat liya", "deducted"},
        {"daam", "price"}, {"keemat", "price"}, {"kimat", "price"}, {"kitna", "how much"}, {"kitne", "how many"},
        {"kitni", "how much"},
        // back / again / when / why / where / how / what
        {"wapas", "back"}, {"vapas", "back"}, {"wapis", "back"}, {"vapis", "back"}, {"waapas", "back"},
        {"dobara", "again"}, {"dubara", "again"}, {"phir se", "again"}, {"fir se", "again"},
        {"kab", "when"}, {"kb", "when"}, {"kabhi", "ever"},
        {"kyun", "why"}, {"kyu", "why"}, {"kyo", "why"}, {"kyon", "why"}, {"kiu", "why"},
        {"kahan", "where"}, {"kaha", "where"}, {"kidhar", "where"}, {"kahaan", "where"},
        {"kaise", "how"}, {"kese", "how"}, {"kaisey", "how"}, {"kaisa", "how"},
        {"kya", "what"}, {"kia", "what"}, {"kyaa", "what"},
        // receive / arrive / done / gone
        {"mila", "received"}, {"mili", "received"}, {"mile", "received"}, {"milaa", "received"},
        {"mil gaya", "received"}, {"mil gya", "received"},
        {"aaya", "arrived"}, {"aya", "arrived"}, {"aayi", "arrived"}, {"ayi", "arrived"}, {"aaye", "arrived"},
        {"aayega", "will arrive"}, {"ayega", "will arrive"}, {"aayegi", "will arrive"}, {"aaega", "will arrive"},
        {"pahuncha", "delivered"}, {"pohcha", "delivered"}, {"pahunchi", "delivered"},
        {"hua", "done"}, {"hui", "done"}, {"ho gaya", "done"}, {"ho gya", "done"}, {"hogaya", "done"},
        {"gaya", "gone"}, {"gya", "gone"}, {"gayi", "gone"}, {"gyi", "gone"},
        // want / please / do
        {"chahiye", "want"}, {"chaiye", "want"}, {"chahie", "want"}, {"chahiya", "want"}, {"chiye", "want"},
        {"kar do", "please do"}, {"kr do", "please do"}, {"krdo", "please do"}, {"kardo", "please do"},
        {"kar dijiye", "please do"}, {"kr dijiye", "please do"}, {"kijiye", "please do"},
        {"karo", "do"}, {"kro", "do"}, {"karna", "do"}, {"krna", "do"}, {"kar", "do"}, {"kr", "do"},
        {"pls", "please"}, {"plz", "please"}, {"plss", "please"}, {"plzz", "please"}, {"pleez", "please"},
        {"plis", "please"}, {"kripya", "please"}, {"krpya", "please"},
        // urgency, time
        {"jaldi", "urgent"}, {"jldi", "urgent"}, {"turant", "urgent"}, {"fatafat", "urgent"}, {"asap", "urgent"},
        {"abhi", "now"}, {"abi", "now"}, {"abhie", "now"}, {"abhi tak", "yet"}, {"ab tak", "yet"},
        {"aaj", "today"}, {"din", "days"}, {"ghante", "hours"}, {"ghanta", "hours"}, {"mahine", "months"},
        {"hafte", "weeks"}, {"baar", "times"}, {"bar bar", "repeatedly"},
        // quality, problems
        {"kharab", "broken"}, {"khrab", "broken"}, {"kharaab", "broken"}, {"toota", "broken"}, {"tuta", "broken"},
        {"tooti", "broken"}, {"bekar", "bad"}, {"bekaar", "bad"}, {"ghatiya", "bad"}, {"bakwas", "bad"},
        {"bakwaas", "bad"}, {"galat", "wrong"}, {"glt", "wrong"}, {"sahi", "right"},
        {"dikkat", "problem"}, {"dikat", "problem"}, {"pareshani", "problem"}, {"samasya", "problem"},
        {"chal raha", "working"}, {"chal rha", "working"}, {"chal rhi", "working"}, {"chal rahi", "working"},
        {"chalta", "works"}, {"madad", "help"}, {"madat", "help"},
        {"bahut", "very"}, {"bohot", "very"}, {"bhot", "very"}, {"bahot", "very"}, {"boht", "very"},
        {"accha", "good"}, {"acha", "good"}, {"achha", "good"}, {"badhiya", "great"}, {"mast", "great"},
        {"dhanyavad", "thanks"}, {"dhanyawad", "thanks"}, {"shukriya", "thanks"},
        // pronouns and glue
        {"mera", "my"}, {"meri", "my"}, {"mere", "my"}, {"humara", "our"}, {"hamara", "our"},
        {"mujhe", "me"}, {"mujhko", "me"}, {"muje", "me"},
        {"aapka", "your"}, {"apka", "your"}, {"aapki", "your"}, {"apki", "your"}, {"tumhara", "your"},
        {"aap", "you"}, {"ap", "you"}, {"tum", "you"},
        {"hai", "is"}, {"hain", "are"}, {"h", "is"}, {"tha", "was"}, {"thi", "was"},
        {"aur", "and"}, {"lekin", "but"}, {"magar", "but"}, {"bhi", "also"}, {"sirf", "only"},
        {"koi", "any"}, {"kuch", "some"}, {"sab", "all"}, {"ye", "this"}, {"yeh", "this"}, {"wo", "that"},
        {"woh", "that"},
        // SMS-speak
        {"u", "you"}, {"ur", "your"}, {"r", "are"}, {"thx", "thanks"}, {"thnx", "thanks"}, {"thanx", "thanks"},
        {"tnx", "thanks"}, {"ty", "thanks"}, {"tq", "thanks"}, {"bcoz", "because"}, {"coz", "because"},
        {"cuz", "because"}, {"bcz", "because"}, {"wat", "what"}, {"wht", "what"}, {"abt", "about"},
        {"msg", "message"}, {"acc", "account"}, {"acct", "account"}, {"pwd", "password"}, {"pswd", "password"},
        {"hv", "have"}, {"pl", "please"}, {"rply", "reply"}, {"idk", "i do not know"},
        {"wtf", "angry"}, {"smh", "disappointed"}, {"lol", "funny"}, {"thru", "through"}, {"tmrw", "tomorrow"},
        {"tmr", "tomorrow"}, {"pkg", "package"}, {"amt", "amount"}, {"info", "information"}, {"pics", "pictures"},
        {"ppl", "people"}, {"b4", "before"}, {"2day", "today"}, {"2moro", "tomorrow"}, {"2mrw", "tomorrow"},
        {"gr8", "great"}, {"wud", "would"}, {"shud", "should"}, {"cud", "could"}, {"sry", "sorry"},
        {"srsly", "seriously"}, {"rly", "really"}, {"pls pls", "please"}, {"asap pls", "urgent please"},
        {"bday", "birthday"}, {"wid", "with"}, {"dat", "that"}, {"thnk", "thank"}, {"thks", "thanks"},
        {"recd", "received"}, {"rcvd", "received"}, {"delivd", "delivered"}, {"dlvry", "delivery"},
        {"subs", "subscription"}, {"pymt", "payment"}, {"pmt", "payment"},
        // more Hinglish spellings and common verbs
        {"nahi hua", "not done"}, {"nai hua", "not done"}, {"nhi hua", "not done"},
        {"kbhi", "ever"}, {"kyunki", "because"}, {"kyuki", "because"}, {"kyoki", "because"},
        {"paiso", "money"}, {"paisay", "money"},
        {"milega", "will receive"}, {"milegi", "will receive"}, {"milenge", "will receive"}, {"milta", "receive"},
        {"bhejo", "send"}, {"bhej do", "please send"}, {"bhej dijiye", "please send"}, {"bhej diya", "sent"},
        {"bhej diye", "sent"}, {"bataiye", "tell"}, {"batao", "tell"}, {"bata do", "please tell"},
        {"band karna", "close"}, {"band kar do", "please close"}, {"band kr do", "please close"},
        {"band krdo", "please close"}, {"band kardo", "please close"}, {"chalu", "working"},
        {"gayab", "missing"}, {"shikayat", "complaint"}, {"shikayaat", "complaint"},
        {"dhanyavaad", "thanks"}, {"dhanyawaad", "thanks"}, {"shukriyaa", "thanks"},
        {"theek", "fine"}, {"thik", "fine"}, {"bohat", "very"}, {"bhut", "very"},
        {"samaan", "item"}, {"saman", "item"}, {"khana", "food"}, {"ghar", "home"},
        {"chahta", "want"}, {"chahti", "want"}, {"chahte", "want"},
        {"ghatia", "bad"}, {"faltu", "bad"},
        // ordering, changing, common complaint and praise words
        {"mangaya", "ordered"}, {"mangayi", "ordered"}, {"mangwaya", "ordered"}, {"mangwayi", "ordered"},
        {"mangata", "order"}, {"mangate", "order"}, {"mangana", "order"},
        {"badalna", "change"}, {"badal do", "please change"}, {"badal dijiye", "please change"}, {"badlo", "change"},
        {"hatao", "remove"}, {"hata do", "please remove"}, {"hata dijiye", "please remove"},
        {"atka", "stuck"}, {"atki", "stuck"}, {"atke", "stuck"}, {"phasa", "stuck"}, {"fasa", "stuck"},
        {"dikha raha", "showing"}, {"dikha rha", "showing"}, {"dikha rahi", "showing"}, {"dikh raha", "showing"},
        {"uthata", "answers"}, {"uthate", "answers"}, {"jawab", "reply"}, {"jawaab", "reply"},
        {"pareshan", "frustrated"}, {"pareshaan", "frustrated"}, {"gussa", "angry"},
        {"jhooth", "lie"}, {"jhoot", "lie"}, {"dhokha", "fraud"}, {"dhoka", "fraud"},
        {"zabardast", "great"}, {"jabardast", "great"}, {"shandar", "great"}, {"shaandar", "great"},
        {"behtareen", "great"}, {"thanda", "cold"}, {"thandi", "cold"},
        {"mehenga", "expensive"}, {"mehnga", "expensive"}, {"mehngi", "expensive"}, {"mehenge", "expensive"},
        {"sasta", "cheap"}, {"sasti", "cheap"}, {"saste", "cheap"},
        {"sakta", "can"}, {"sakte", "can"}, {"sakti", "can"}, {"tareekh", "date"}, {"tarikh", "date"},
        {"galti", "mistake"}, {"naya", "new"}, {"nayi", "new"}, {"purana", "old"}, {"purane", "old"},
        {"purani", "old"}, {"zyada", "more"}, {"jyada", "more"}, {"bheja", "sent"}, {"bhejna", "send"},
        {"lautao", "return"}, {"lauta do", "please return"},
        // praise, ease and forgetting
        {"kamaal", "amazing"}, {"waah", "wow"}, {"wah", "wow"},
        {"aasaan", "easy"}, {"asaan", "easy"}, {"aasan", "easy"}, {"khush", "happy"}, {"pasand", "liked"},
        {"badiya", "great"}, {"badhia", "great"}, {"achhe", "good"}, {"acche", "good"}, {"achchha", "good"},
        {"bura", "bad"}, {"buri", "bad"}, {"bhool", "forgot"}, {"bhul", "forgot"},
        {"jod do", "please add"}, {"jodo", "add"},
    };
}

}  // namespace tiny_ticket
