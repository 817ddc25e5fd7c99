// The call deadline of the AWS adapter against a real hung endpoint: a loopback server that
// accepts connections and never answers. The call fails once its deadline (retries included) is
// over, naming the endpoint, without a second attempt; the operator hears of the wait meanwhile.
// A server that answers late, within the deadline, is waited for.
import assert from "node:assert/strict";
import { createServer } from "node:net";
import type { Server, Socket } from "node:net";
import { after, test } from "node:test";
import { SdkAwsSessions } from "../../../../src/adapters/aws/sdk-aws-sessions.ts";
import type { WaitingNotice } from "../../../../src/adapters/aws/answer-deadline.ts";
import { CrossformError } from "../../../../src/core/errors.ts";

/** A loopback server; `answer` writes the reply to a request, or nothing (hung). */
async function server(
  answer: (socket: Socket) => void,
): Promise<{ endpoint: string; requests: () => number; close: () => void }> {
  const sockets: Socket[] = [];
  let requests = 0;
  const s: Server = createServer((socket) => {
    sockets.push(socket);
    socket.on("error", () => undefined);
    socket.once("data", () => {
      requests += 1;
      answer(socket);
    });
  });
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const address = s.address();
  assert.ok(address !== null && typeof address === "object");
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    requests: () => requests,
    close: () => {
      for (const socket of sockets) socket.destroy();
      s.close();
    },
  };
}

const saved = process.env.AWS_ENDPOINT_URL;
after(() => {
  if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
  else process.env.AWS_ENDPOINT_URL = saved;
});

const credentials = async () => ({
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "secret-for-a-hung-endpoint",
});

test("an endpoint that accepts and never answers: the call fails after aws.request_timeout, naming the endpoint, one attempt, with progress meanwhile", async () => {
  const hung = await server(() => undefined);
  process.env.AWS_ENDPOINT_URL = hung.endpoint;
  const notices: WaitingNotice[] = [];
  const sessions = new SdkAwsSessions({
    region: "us-east-1",
    baseCredentials: credentials,
    requestTimeoutSeconds: 2,
    onWaiting: (notice) => notices.push(notice),
  });
  const started = performance.now();
  try {
    await assert.rejects(sessions.baseIdentity(), (error: unknown) => {
      assert.ok(error instanceof CrossformError, String(error));
      assert.equal(error.code, "aws/network");
      assert.equal(
        error.message,
        `sts:GetCallerIdentity as the base identity in us-east-1 failed: no answer from ${hung.endpoint} in 2 s`,
      );
      assert.match(error.hint ?? "", /raise aws\.request_timeout in crossform\.yaml/);
      return true;
    });
  } finally {
    sessions.destroy();
    hung.close();
  }
  const seconds = (performance.now() - started) / 1000;
  assert.ok(seconds >= 1.9 && seconds < 4, `failed after ${seconds.toFixed(1)} s`);
  assert.equal(hung.requests(), 1, "a call without an answer is not retried");
  assert.deepEqual(
    notices.map((n) => [n.operation, n.endpoint, n.seconds, n.timeoutSeconds]),
    [["sts:GetCallerIdentity in us-east-1", hung.endpoint, 1, 2]],
  );
});

test("an endpoint that answers within the deadline is waited for", async () => {
  const body =
    '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
    "<Arn>arn:aws:iam::123456789012:user/slow</Arn><UserId>AIDSLOW</UserId><Account>123456789012</Account>" +
    "</GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>";
  const slow = await server((socket) => {
    setTimeout(() => {
      socket.end(
        `HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }, 1_200);
  });
  process.env.AWS_ENDPOINT_URL = slow.endpoint;
  const sessions = new SdkAwsSessions({
    region: "us-east-1",
    baseCredentials: credentials,
    requestTimeoutSeconds: 3,
  });
  try {
    const identity = await sessions.baseIdentity();
    assert.equal(identity.account, "123456789012");
  } finally {
    sessions.destroy();
    slow.close();
  }
});
