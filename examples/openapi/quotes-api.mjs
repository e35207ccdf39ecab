// A small local API for the OpenAPI example (Node.js, no dependencies): stock quotes and orders.
//   node quotes-api.mjs [port]      prints "quotes API listening on http://127.0.0.1:<port>" when ready
import http from "node:http";

const prices = { ACME: 101.25, INITECH: 12.5, UMBRELLA: 77.0 };
const orders = [];
const port = Number(process.argv[2] ?? 8477);

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, `http://${req.headers.host}`);
  if (req.headers.authorization !== "Bearer demo-quotes-token") {
    return send(res, 401, { error: "missing or wrong bearer token" });
  }
  const quote = url.pathname.match(/^\/v1\/quotes\/([A-Z]+)$/);
  if (req.method === "GET" && quote) {
    const symbol = quote[1];
    if (!(symbol in prices)) return send(res, 404, { error: `no symbol ${symbol}` });
    const currency = url.searchParams.get("currency") ?? "EUR";
    return send(res, 200, { symbol, price: prices[symbol], currency });
  }
  if (req.method === "POST" && url.pathname === "/v1/orders") {
    let data = "";
    req.on("data", (c) => (data += c));
    req.on("end", () => {
      const order = JSON.parse(data);
      const id = `ord-${orders.length + 1}`;
      orders.push({ id, ...order });
      send(res, 201, { id, status: "accepted", total: prices[order.symbol] * order.quantity });
    });
    return;
  }
  send(res, 404, { error: "unknown path" });
});
server.listen(port, "127.0.0.1", () => console.log(`quotes API listening on http://127.0.0.1:${port}`));
