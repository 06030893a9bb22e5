"""The admin console and Swagger UI in a real browser (issue #15): Debian's headless chromium
driven through Debian's chromedriver by Selenium, against `insignia serve` on loopback.

Usage: browser.py BASE_URL ADMIN_KEY MEMBER_KEY [SCREENSHOT_DIR]
With CONSOLE_DNS_PORT set (the server's DNS_RESOLVER port on 127.0.0.1), answers the server's DNS-01
lookups there, so a domain validation grant is issued for real and revoked from the console.
Prints one "console: ok  NAME" or "console: FAIL NAME: why" line per check.
"""
import base64
import json
import os
import socket
import sys
import threading
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

BASE, ADMIN_KEY, MEMBER_KEY = sys.argv[1], sys.argv[2], sys.argv[3]
SHOTS = sys.argv[4] if len(sys.argv) > 4 else None
XSS = "<script>alert(1)</script>"
failures = 0


def check(name, condition, why=""):
    global failures
    if condition:
        print(f"console: ok   {name}", flush=True)
    else:
        failures += 1
        print(f"console: FAIL {name}: {why}", flush=True)


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--window-size=1280,800", "--no-proxy-server", "--disable-background-networking"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # Debian's driver: Selenium's own driver manager would try to download one.
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def wait(driver, condition, seconds=15):
    return WebDriverWait(driver, seconds).until(condition)


def shot(driver, name):
    if SHOTS:
        driver.save_screenshot(f"{SHOTS}/{name}.png")


def sign_in(driver, key):
    driver.get(BASE + "/console")
    wait(driver, EC.presence_of_element_located((By.ID, "api_key"))).send_keys(key)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait(driver, EC.title_contains("Overview"))


def page_gone(page):
    """A condition: the element's document has been replaced. Chromium answers a check that lands
    while the old document is being torn down with "does not belong to the document" rather than a
    stale reference; both mean the page is gone (Selenium's staleness_of knows only the second)."""
    def gone(_driver):
        try:
            page.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error):
                return True
            raise
    return gone


def click_to_next_page(driver, button):
    """Clicks and waits until the current page is gone: the next page may hold the same ids."""
    page = driver.find_element(By.TAG_NAME, "html")
    button.click()
    wait(driver, page_gone(page))


def fill(driver, values):
    for name, value in values.items():
        field = driver.find_element(By.NAME, name)
        field.clear()
        field.send_keys(value)


def random_did_key():
    """A fresh did:key (Ed25519); nobody holds its private key, which IAL-0 issuance does not need."""
    raw = bytes([0xED, 0x01]) + os.urandom(32)
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    n, out = int.from_bytes(raw, "big"), ""
    while n:
        n, r = divmod(n, 58)
        out = alphabet[r] + out
    return "did:key:z" + out


def create_agent(driver, name, domain):
    driver.get(BASE + "/console/agents/new")
    fill(driver, {"name": name, "domain": domain, "did": random_did_key()})
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait(driver, EC.presence_of_element_located((By.ID, "issue-badge")))
    return driver.current_url.rsplit("/", 1)[1]


def fetch(path, cookie=None):
    """GET without following redirects: (status, location, body)."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None
    request = urllib.request.Request(BASE + path, headers={"Cookie": cookie} if cookie else {})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers.get("Location"), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location"), error.read().decode()


def api(method, path, body=None):
    """A JSON API call with the admin key: (status, parsed body)."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"X-Capiscio-Registry-Key": ADMIN_KEY}
    if data is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(BASE + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


TXT = {}


def dns_answer(query):
    """The answer to a DNS query from TXT (name → strings); NXDOMAIN for other names."""
    if len(query) <= 12:
        return None
    position, labels = 12, []
    while position < len(query) and query[position] != 0:
        length = query[position]
        labels.append(query[position + 1:position + 1 + length].decode("ascii", "replace").lower())
        position += 1 + length
    end = position + 5
    if end > len(query):
        return None
    strings = TXT.get(".".join(labels))
    answer = b""
    if strings:
        rdata = b"".join(bytes([len(text)]) + text.encode() for text in strings)
        answer = b"\xc0\x0c" + bytes([0, 16, 0, 1, 0, 0, 0, 30, len(rdata) >> 8, len(rdata) & 0xFF]) + rdata
    count = 1 if strings else 0
    return query[:2] + bytes([0x81, 0x80 | (0 if count else 3), 0, 1, 0, count, 0, 0, 0, 0]) + query[12:end] + answer


def serve_dns(port):
    """A TXT responder on 127.0.0.1:port (UDP) in a daemon thread."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", port))

    def loop():
        while True:
            query, peer = sock.recvfrom(4096)
            answer = dns_answer(query)
            if answer:
                sock.sendto(answer, peer)
    threading.Thread(target=loop, daemon=True).start()


def dv_grant(domain):
    """A DNS-01 order for `domain` with the admin key, answered by our responder and finalized: the grant's jti."""
    key = {"kty": "OKP", "crv": "Ed25519", "x": base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()}
    status, order = api("POST", "/v1/badges/dv/orders", {"domain": domain, "challenge_type": "dns-01", "jwk": key})
    if status != 201:
        raise RuntimeError(f"order: {status} {order}")
    TXT["_capiscio-challenge." + domain] = [order["challenge"]["expected_content"]]
    status, finalized = api("POST", f"/v1/badges/dv/orders/{order['id']}/finalize")
    if status != 200:
        raise RuntimeError(f"finalize: {status} {finalized}")
    return finalized["grant_jti"]


def csp_violations(driver):
    return [entry["message"] for entry in driver.get_log("browser")
            if "Content Security Policy" in entry["message"] or "net::ERR" in entry["message"]]


admin = browser()
try:
    # Sign in with a key; the session cookie is HttpOnly and SameSite=Strict.
    sign_in(admin, ADMIN_KEY)
    cookie = admin.get_cookie("insignia_console")
    check("sign in with an API key", cookie is not None and "Overview" in admin.title, admin.title)
    check("session cookie is HttpOnly, SameSite=Strict, scoped to /console",
          cookie and cookie.get("httpOnly") and cookie.get("sameSite") == "Strict" and cookie.get("path") == "/console", str(cookie))
    check("the key is in no URL", ADMIN_KEY not in admin.current_url)

    # Create an agent, issue a badge, see the token once.
    agent_id = create_agent(admin, "console-bot", "console-bot.example.com")
    check("create an agent", admin.find_element(By.TAG_NAME, "h1").text == "console-bot", admin.find_element(By.TAG_NAME, "h1").text)
    admin.find_element(By.ID, "issue-badge").click()
    token = wait(admin, EC.presence_of_element_located((By.ID, "issued-token"))).get_attribute("value")
    check("issue a badge: the token is shown once", token.count(".") == 2 and len(token) > 100, token[:40])
    shot(admin, "agent")
    payload = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    jti = payload["jti"]

    # Revoke it from its page; the list and the audit view show it revoked.
    admin.get(BASE + "/console/badges")
    shot(admin, "badges")
    admin.find_element(By.CSS_SELECTOR, f"#badges a[href='/console/badges/{jti}']").click()
    admin.find_element(By.ID, "revoke-reason").send_keys("key compromise drill")
    click_to_next_page(admin, admin.find_element(By.ID, "revoke"))
    status = wait(admin, EC.presence_of_element_located((By.ID, "badge-status"))).text
    check("revoke a badge with a reason", status == "revoked", status)
    shot(admin, "badge")
    admin.get(BASE + "/console/badges?status=revoked")
    rows = [row.text for row in admin.find_elements(By.CSS_SELECTOR, "#badges tbody tr")]
    check("the badge list shows it revoked", any(jti[:13] in row and "revoked" in row for row in rows), str(rows))
    admin.get(BASE + "/console/audit?type=badge.revoked")
    rows = [row.text for row in admin.find_elements(By.CSS_SELECTOR, "#audit tbody tr")]
    check("the audit view shows the revocation", any(jti in row and "key compromise drill" in row for row in rows), str(rows))
    admin.get(BASE + "/console/audit")
    shot(admin, "audit")

    # The badge links its inclusion proof, which the log serves once it has integrated the badge.
    admin.get(BASE + f"/console/badges/{jti}")
    link = admin.find_elements(By.ID, "inclusion-proof")
    proof = 0
    for _ in range(20):
        proof = fetch(f"/v1/badges/{jti}/proof")[0]
        if proof == 200:
            break
        time.sleep(0.5)
    check("the badge page links its inclusion proof, which answers", link and link[0].get_attribute("href") == f"{BASE}/v1/badges/{jti}/proof" and proof == 200,
          f"{len(link)} link(s), proof {proof}")

    # A name full of markup renders as text and runs nothing.
    xss_id = create_agent(admin, XSS, "xss.example.com")
    heading = admin.find_element(By.TAG_NAME, "h1").text
    try:
        admin.switch_to.alert
        alerted = True
    except NoAlertPresentException:
        alerted = False
    check("an agent named <script>… renders as text", heading == XSS and not alerted and "&lt;script&gt;" in admin.page_source, heading)
    admin.get(BASE + "/console/agents")
    names = [cell.text for cell in admin.find_elements(By.CSS_SELECTOR, "#agents tbody td:first-child")]
    check("… in the list too", XSS in names, str(names))
    shot(admin, "agents")

    # A form posted without its anti-forgery token is refused and changes nothing.
    admin.get(BASE + f"/console/agents/{agent_id}")
    admin.execute_script("document.querySelectorAll('form[action$=\"/disable\"] input[name=csrf]').forEach(e => e.remove())")
    admin.find_element(By.CSS_SELECTOR, "form[action$='/disable'] button").click()
    refused = wait(admin, EC.presence_of_element_located((By.CSS_SELECTOR, ".error"))).text
    admin.get(BASE + f"/console/agents/{agent_id}")
    state = admin.find_element(By.CSS_SELECTOR, "dl.facts .state").text
    check("a form without its CSRF token is refused", "anti-forgery" in refused and state == "active", f"{refused!r} / {state}")
    click_to_next_page(admin, admin.find_element(By.CSS_SELECTOR, "form[action$='/disable'] button"))
    state = wait(admin, EC.presence_of_element_located((By.CSS_SELECTOR, "dl.facts .state"))).text
    check("the same form with its token works", state == "disabled", state)

    # MCP servers have their own pages.
    admin.get(BASE + "/console/servers/new")
    fill(admin, {"name": "tools-server", "url": "https://mcp.example.com/mcp"})
    admin.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait(admin, EC.title_contains("tools-server"))
    admin.get(BASE + "/console/servers")
    servers = [cell.text for cell in admin.find_elements(By.CSS_SELECTOR, "#agents tbody td:first-child")]
    check("create an MCP server and list it", servers == ["tools-server"], str(servers))

    # Key management for an admin key: create one, shown once.
    admin.get(BASE + "/console/keys")
    fill(admin, {"name": "from the console"})
    admin.find_element(By.CSS_SELECTOR, "form[action='/console/keys'] button[type=submit]").click()
    created = wait(admin, EC.presence_of_element_located((By.ID, "created-key"))).get_attribute("value")
    check("an admin creates an API key, shown once", created.startswith("cpsc_live_"), created[:12])
    admin.get(BASE + "/console/keys")
    check("… and never again", created not in admin.page_source)
    shot(admin, "keys")
    admin.get(BASE + "/console/overview")
    size = admin.find_elements(By.ID, "tlog-size")
    age = admin.find_elements(By.ID, "tlog-age")
    check("the overview shows the log's size and checkpoint age",
          size and size[0].text.isdigit() and int(size[0].text) >= 1 and age and age[0].text.endswith((" s", " min")),
          f"{[e.text for e in size]} {[e.text for e in age]}")
    shot(admin, "overview")

    # Domain validation: a grant issued over a real DNS-01 check is listed and revoked after confirming.
    if os.environ.get("CONSOLE_DNS_PORT"):
        serve_dns(int(os.environ["CONSOLE_DNS_PORT"]))
        grant = dv_grant("console-dv.example.com")
        admin.get(BASE + "/console/dv/grants")
        rows = [row.text for row in admin.find_elements(By.CSS_SELECTOR, "#dv-grants tbody tr")]
        check("the DV grant list shows the new grant as valid", any(grant in row and "valid" in row for row in rows), str(rows))
        shot(admin, "dv-grants")
        click_to_next_page(admin, admin.find_element(By.CSS_SELECTOR, f"#dv-grants a[href='/console/dv/grants/{grant}']"))
        click_to_next_page(admin, wait(admin, EC.element_to_be_clickable((By.ID, "revoke-grant"))))
        wait(admin, EC.presence_of_element_located((By.ID, "grant-reason"))).send_keys("domain sold")
        click_to_next_page(admin, admin.find_element(By.ID, "confirm-revoke"))
        status = wait(admin, EC.presence_of_element_located((By.ID, "grant-status"))).text
        check("revoke a DV grant after its confirmation page", status == "revoked", status)
        admin.get(BASE + "/console/dv/grants")
        rows = [row.text for row in admin.find_elements(By.CSS_SELECTOR, "#dv-grants tbody tr")]
        check("… and the list shows it revoked", any(grant in row and "revoked" in row for row in rows), str(rows))
        admin.get(BASE + "/console/audit?type=dv.grant.revoked")
        rows = [row.text for row in admin.find_elements(By.CSS_SELECTOR, "#audit tbody tr")]
        check("… and the audit view records it", any(grant in row and "domain sold" in row for row in rows), str(rows))
    admin.get(BASE + "/console/ca-keys")
    shot(admin, "ca-keys")
    check("console pages load nothing blocked by the CSP", not csp_violations(admin), str(csp_violations(admin)))

    # Sign out: the old cookie no longer opens a page.
    value = admin.get_cookie("insignia_console")["value"]
    check("the cookie opens a page before sign-out", fetch("/console/overview", f"insignia_console={value}")[0] == 200)
    admin.find_element(By.CSS_SELECTOR, "form.sign-out button").click()
    wait(admin, EC.presence_of_element_located((By.ID, "api_key")))
    code, location, _ = fetch("/console/overview", f"insignia_console={value}")
    check("after sign-out the session cookie no longer works", code == 303 and location == "/console/sign-in", f"{code} {location}")

    # Swagger UI from the binary lists every operation, with no other origin.
    document = json.loads(fetch("/openapi.json")[2])
    operations = sum(1 for item in document["paths"].values() for method in item
                     if method in ("get", "put", "post", "delete", "patch"))
    admin.get(BASE + "/swagger/index.html")
    wait(admin, lambda d: len(d.find_elements(By.CSS_SELECTOR, ".opblock")) >= operations, 30)
    shown = len(admin.find_elements(By.CSS_SELECTOR, ".opblock"))
    check("Swagger UI lists every operation", shown == operations, f"{shown} of {operations}")
    origins = admin.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    check("Swagger UI loads nothing from another origin", all(url.startswith(BASE) for url in origins), str(origins))
    check("Swagger UI runs under the CSP without violations", not csp_violations(admin), str(csp_violations(admin)))
    admin.set_window_size(1280, 800)
    shot(admin, "swagger")
finally:
    admin.quit()

member = browser()
try:
    # A key without keys:admin is refused key management, in the page, with no JSON.
    sign_in(member, MEMBER_KEY)
    member.get(BASE + "/console/keys")
    text = member.find_element(By.TAG_NAME, "main").text
    check("a member session is refused key management", "not allowed" in text and "keys:admin" in text and "{" not in text, text[:200])
    member.set_window_size(390, 844)
    member.get(BASE + "/console/agents")
    width = member.execute_script("return document.documentElement.scrollWidth")
    check("the agent list fits a phone width", width <= 400, f"scrollWidth {width}")
finally:
    member.quit()

print(f"console: {failures} failed", flush=True)
sys.exit(1 if failures else 0)
