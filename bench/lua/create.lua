-- POST /api/v1/conversations with realistic bodies in en/ja/ko/lv/ca,
-- rotating. About a quarter of requests come from returning customers
-- (exercising the find-or-create path); the rest are new customers.
-- Environment: TEND_TOKEN (an admin API token).
package.path = "bench/lua/?.lua;" .. package.path
local report = require("report")

local token = os.getenv("TEND_TOKEN") or ""
local headers = {
  ["Authorization"] = "Bearer " .. token,
  ["Content-Type"] = "application/json",
}

-- { local part, domain, name, subject, text, tag, priority }
local bodies = {
  {"emily.walker", "example.com", "Emily Walker", "Question about invoice 48213",
   [[Hello,\n\nI was charged twice for my subscription this month (invoice 48213). I attached a screenshot in case it helps.\n\nKind regards,\nEmily Walker]], "billing", "normal"},
  {"yui.tanaka", "example.co.jp", "田中結衣", "ログインできません",
   [[お世話になっております。\n\n昨日からログインできず、パスワードが間違っていると表示されます。一度ログアウトして再度ログインしてみましたが、変わりませんでした。\n\nよろしくお願いいたします。\n田中結衣]], "login", "high"},
  {"minjun.kim", "example.co.kr", "김민준", "주문 582104 배송 문의",
   [[안녕하세요.\n\n지난주에 도착해야 할 주문 582104이 아직 오지 않았고 배송 조회도 5일째 그대로입니다. 금요일까지 마감이 있어서 빠른 확인 부탁드립니다.\n\n감사합니다.\n김민준]], "shipping", "normal"},
  {"janis.berzins", "example.lv", "Jānis Bērziņš", "Naudas atmaksa par pasūtījumu 310977",
   [[Labdien!\n\nPirms divām nedēļām atgriezu preci no pasūtījuma 310977, bet atmaksa vēl nav pienākusi.\n\nAr cieņu,\nJānis Bērziņš]], "refund", "normal"},
  {"nuria.puig", "example.cat", "Núria Puig", "Error en exportar informes",
   [[Bon dia,\n\nQuan intento exportar l'informe mensual en CSV em surt un missatge d'error. Gràcies pel servei d'atenció!\n\nSalutacions cordials,\nNúria Puig]], "bug", "high"},
  {"james.taylor", "example.org", "James Taylor", "How do I cancel my subscription?",
   [[Hi there,\n\nI would like to cancel my subscription at the end of this billing period. My account is registered under this email address.\n\nThanks in advance,\nJames Taylor]], "account", "low"},
  {"haruto.sato", "example.ne.jp", "佐藤陽翔", "注文721455の配送状況について",
   [[いつもお世話になっております。\n\n先週届く予定だった注文721455がまだ届いておらず、追跡情報も五日間更新されていません。\n\nご確認のほど、よろしくお願いいたします。\n佐藤陽翔]], "shipping", "normal"},
  {"seoyeon.park", "example.kr", "박서연", "비밀번호 재설정 메일이 오지 않아요",
   [[안녕하세요, 문의드립니다.\n\n비밀번호 재설정을 세 번이나 요청했는데 메일이 오지 않습니다. 이 이메일 주소로 계정을 등록했습니다.\n\n잘 부탁드립니다.\n박서연]], "login", "normal"},
  {"liga.kalnina", "inbox.example.lv", "Līga Kalniņa", "Kļūda, eksportējot atskaites",
   [[Sveicināti!\n\nMēģinot eksportēt mēneša atskaiti CSV formātā, parādās kļūdas paziņojums. Pielieku ekrānuzņēmumu, ja tas palīdz.\n\nPaldies jau iepriekš!\nLīga Kalniņa]], "bug", "urgent"},
  {"jordi.marti", "correu.example.cat", "Jordi Martí", "M'han cobrat dues vegades aquest mes",
   [[Hola,\n\nAquest mes m'han cobrat dues vegades la subscripció (factura 66120). És força urgent perquè divendres tenim una data límit.\n\nMoltes gràcies,\nJordi Martí]], "billing", "high"},
}

local n = 0
function setup(thread) report.setup(thread) end

function init(args)
  report.init()
  n = 0
end

function request()
  n = n + 1
  local b = bodies[(n % #bodies) + 1]
  local who
  if n % 4 == 0 then
    who = string.format("%s.r%d", b[1], (n / 4) % 200)  -- returning customer
  else
    who = string.format("%s.t%d.%d", b[1], tid, n)       -- new customer
  end
  local body = string.format(
    '{"subject":"%s","customer":{"email":"%s@%s","name":"%s"},"message":{"text":"%s"},"priority":"%s","tags":["%s"]}',
    b[4], who, b[2], b[3], b[5], b[7], b[6])
  return wrk.format("POST", "/api/v1/conversations", headers, body)
end

function response(status, headers, body)
  report.check(status, 201)
end

function done(summary, latency, requests)
  report.done(summary, latency, requests, 201)
end
