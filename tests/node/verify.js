// Verifies one webhook the way a merchant's Node.js server would (standardwebhooks on npm).
// stdin: {"secret": "whsec_…", "headers": {…}, "body": "<raw body>"}
// stdout: the verified event as JSON; exit status 1 with the reason when it does not verify.
"use strict";
const { Webhook } = require("standardwebhooks");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const { secret, headers, body } = JSON.parse(input);
  try {
    const event = new Webhook(secret).verify(Buffer.from(body, "utf8"), headers);
    process.stdout.write(JSON.stringify(event));
  } catch (error) {
    process.stderr.write(String(error.message));
    process.exit(1);
  }
});
