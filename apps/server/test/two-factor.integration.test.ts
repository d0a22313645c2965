// Two-factor sign-in through the real server: enrolment (QR code and secret, confirmed by a code,
// ten recovery codes shown once and stored hashed, the secret sealed at rest), the two-step sign-in
// (no login until the code), wrong and replayed codes, single-use recovery codes, throttling of
// codes (also when sent at once), turning it off, and the owner's requirement for the account.
import { createHash, randomBytes } from "node:crypto";
import { createTestAccount, testDatabaseTargets } from "@handoff/db/testing";
import { describe, expect, it } from "vitest";
import { createTestClient, totpCodeAt } from "../src/testing/index.ts";
import { codeOf, enrolTwoFactor } from "./support/two-factor.ts";
import { useTestServer } from "./support/use-test-server.ts";

describe.each(await testDatabaseTargets())("on %s", (target) => {
  const app = useTestServer({
    target,
    server: { psa: { secretsKey: randomBytes(32), timeoutMs: 3_000, allowPrivateHosts: true } },
  });

  const signedIn = (email: string) => app.clientFor({ email });
  const anonymous = () => createTestClient(app.server);
  const passwordStep = (email: string) => anonymous().auth.login({ email, password: "demo", mode: "token" });

  it("enrols with a QR code and the secret as text, confirmed by a code; stores the secret sealed and the recovery codes hashed", async () => {
    const account = await createTestAccount(app.prisma);
    const client = await signedIn(account.engineer.email);
    expect(await client.twoFactor.status()).toMatchObject({ isEnabled: false, isAvailable: true });

    const enrolment = await client.twoFactor.begin();
    expect(enrolment.secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(enrolment.otpauthUri);
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.searchParams.get("issuer")).toBe(`Handoff (${account.account.name})`);
    expect(decodeURIComponent(uri.pathname)).toContain(account.engineer.email);
    expect(enrolment.otpauthUri).toContain(`secret=${enrolment.secret}`);
    const svg = Buffer.from(enrolment.qrCodeDataUrl.replace("data:image/svg+xml;base64,", ""), "base64");
    expect(svg.toString()).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);

    // Not on until confirmed: sign-in still takes the password alone.
    expect((await passwordStep(account.engineer.email)).twoFactor).toBeNull();
    await expect(client.twoFactor.confirm({ code: "000000" })).rejects.toMatchObject({
      data: { code: "BAD_REQUEST" },
    });
    const { recoveryCodes } = await client.twoFactor.confirm({ code: await totpCodeAt(enrolment.secret, 0) });
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    expect(await client.twoFactor.status()).toMatchObject({ isEnabled: true, recoveryCodesLeft: 10 });
    expect(await codeOf(client.twoFactor.begin())).toBe("CONFLICT");

    const stored = await app.prisma.user.findUniqueOrThrow({ where: { id: account.engineer.id } });
    expect(stored.totpSealedSecret).toMatch(/^v1\./);
    expect(stored.totpSealedSecret).not.toContain(enrolment.secret);
    const hashes = await app.prisma.recoveryCode.findMany({ where: { userId: account.engineer.id } });
    expect(hashes).toHaveLength(10);
    for (const { codeHash } of hashes) expect(recoveryCodes.join()).not.toContain(codeHash);
  });

  it("signs in in two steps: no login after the password, a wrong code refused, a right one signs in; a code never works twice", async () => {
    const account = await createTestAccount(app.prisma);
    const { secret } = await enrolTwoFactor(await signedIn(account.engineer.email));

    // The browser's first step: no session cookie, only a challenge.
    const response = await fetch(`${app.server.url}/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ json: { email: account.engineer.email, password: "demo" } }),
    });
    expect(response.headers.get("set-cookie") ?? "").not.toMatch(/handoff_session=[^;]/);
    const first = (await response.json()) as { result: { data: { json: Record<string, unknown> } } };
    expect(first.result.data.json).toMatchObject({
      viewer: null,
      token: null,
      twoFactor: { purpose: "second_factor" },
    });
    expect(await app.prisma.authSession.count({ where: { userId: account.engineer.id } })).toBe(1);

    const { twoFactor } = await passwordStep(account.engineer.email);
    const challengeToken = twoFactor?.challengeToken ?? "";
    await expect(
      anonymous().twoFactor.signIn({ challengeToken, code: "123456", mode: "token" }),
    ).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
    const code = await totpCodeAt(secret, 1);
    const done = await anonymous().twoFactor.signIn({ challengeToken, code, mode: "token" });
    expect(done.viewer).toMatchObject({ email: account.engineer.email });
    expect(await createTestClient(app.server, { token: done.token }).auth.me()).toMatchObject({
      id: account.engineer.id,
    });
    // The challenge is used up, and so is the code (replay), in a new sign-in too.
    expect(await codeOf(anonymous().twoFactor.signIn({ challengeToken, code, mode: "token" }))).toBe(
      "UNAUTHORIZED",
    );
    const again = await passwordStep(account.engineer.email);
    expect(
      await codeOf(
        anonymous().twoFactor.signIn({
          challengeToken: again.twoFactor?.challengeToken ?? "",
          code,
          mode: "token",
        }),
      ),
    ).toBe("UNAUTHORIZED");
    // An older step's code is refused once a newer one was accepted.
    expect(
      await codeOf(
        anonymous().twoFactor.signIn({
          challengeToken: again.twoFactor?.challengeToken ?? "",
          code: await totpCodeAt(secret, 0),
          mode: "token",
        }),
      ),
    ).toBe("UNAUTHORIZED");
  });

  it("the same code sent twice at once signs in once", async () => {
    const account = await createTestAccount(app.prisma);
    const { secret } = await enrolTwoFactor(await signedIn(account.engineer.email));
    const challenges = await Promise.all([1, 2].map(() => passwordStep(account.engineer.email)));
    const code = await totpCodeAt(secret, 1);
    const outcomes = await Promise.all(
      challenges.map(({ twoFactor }) =>
        codeOf(
          anonymous().twoFactor.signIn({
            challengeToken: twoFactor?.challengeToken ?? "",
            code,
            mode: "token",
          }),
        ),
      ),
    );
    expect(outcomes.sort()).toEqual(["OK", "UNAUTHORIZED"]);
  });

  it("a recovery code signs in once", async () => {
    const account = await createTestAccount(app.prisma);
    const client = await signedIn(account.engineer.email);
    const { recoveryCodes } = await enrolTwoFactor(client);
    const [recoveryCode = ""] = recoveryCodes;

    const first = await passwordStep(account.engineer.email);
    const done = await anonymous().twoFactor.signIn({
      challengeToken: first.twoFactor?.challengeToken ?? "",
      // Typed back in capitals and without dashes.
      code: recoveryCode.toUpperCase().replaceAll("-", " "),
      mode: "token",
    });
    expect(done.viewer?.id).toBe(account.engineer.id);
    expect(await client.twoFactor.status()).toMatchObject({ recoveryCodesLeft: 9 });

    const second = await passwordStep(account.engineer.email);
    expect(
      await codeOf(
        anonymous().twoFactor.signIn({
          challengeToken: second.twoFactor?.challengeToken ?? "",
          code: recoveryCode,
          mode: "token",
        }),
      ),
    ).toBe("UNAUTHORIZED");
  });

  it("throttles wrong codes per user, also when sent at once; the right code is refused until the wait is over", async () => {
    const account = await createTestAccount(app.prisma);
    const { secret } = await enrolTwoFactor(await signedIn(account.engineer.email));
    const { twoFactor } = await passwordStep(account.engineer.email);
    const challengeToken = twoFactor?.challengeToken ?? "";
    const guesses = Array.from({ length: 20 }, (_, index) => String(100000 + index));
    const outcomes = await Promise.all(
      guesses.map((code) => codeOf(anonymous().twoFactor.signIn({ challengeToken, code, mode: "token" }))),
    );
    // Five tries per user (DEFAULT_SECOND_FACTOR_GUARD), however the guesses arrive.
    expect(outcomes.filter((outcome) => outcome === "UNAUTHORIZED")).toHaveLength(5);
    expect(outcomes.filter((outcome) => outcome === "TOO_MANY_REQUESTS")).toHaveLength(15);
    const right = anonymous().twoFactor.signIn({
      challengeToken,
      code: await totpCodeAt(secret, 1),
      mode: "token",
    });
    await expect(right).rejects.toMatchObject({
      data: { code: "TOO_MANY_REQUESTS" },
      message: expect.stringMatching(/Try again in \d+ minutes?/),
    });
  });

  it("turns off with the password or a code, not with a wrong one", async () => {
    const account = await createTestAccount(app.prisma);
    const client = await signedIn(account.engineer.email);
    const { secret } = await enrolTwoFactor(client);
    expect(await codeOf(client.twoFactor.disable({ password: "wrong" }))).toBe("BAD_REQUEST");
    expect(await codeOf(client.twoFactor.disable({ code: "000000" }))).toBe("BAD_REQUEST");
    expect(await client.twoFactor.disable({ code: await totpCodeAt(secret, 1) })).toMatchObject({
      isEnabled: false,
    });
    expect(await app.prisma.recoveryCode.count({ where: { userId: account.engineer.id } })).toBe(0);
    expect((await passwordStep(account.engineer.email)).twoFactor).toBeNull();

    await enrolTwoFactor(client);
    expect(await client.twoFactor.disable({ password: "demo" })).toMatchObject({ isEnabled: false });
  });

  it("an owner requires two-factor: a member without it sets it up at sign-in before any login exists", async () => {
    const account = await createTestAccount(app.prisma);
    const admin = await signedIn(account.admin.email);
    expect(await codeOf(admin.twoFactor.setRequired({ isRequired: true }))).toBe("FORBIDDEN");
    const owner = await signedIn(account.owner.email);
    expect(await owner.twoFactor.setRequired({ isRequired: true })).toMatchObject({ isRequired: true });

    const { twoFactor, token } = await passwordStep(account.viewer.email);
    expect(token).toBeNull();
    expect(twoFactor?.purpose).toBe("enrolment");
    const challengeToken = twoFactor?.challengeToken ?? "";
    // A challenge to enrol is no second factor.
    expect(
      await codeOf(anonymous().twoFactor.signIn({ challengeToken, code: "123456", mode: "token" })),
    ).toBe("UNAUTHORIZED");
    expect(await app.prisma.authSession.count({ where: { userId: account.viewer.id } })).toBe(0);

    const { secret } = await anonymous().twoFactor.beginRequired({ challengeToken });
    await expect(
      anonymous().twoFactor.confirmRequired({ challengeToken, code: "000000", mode: "token" }),
    ).rejects.toMatchObject({ data: { code: "BAD_REQUEST" } });
    const done = await anonymous().twoFactor.confirmRequired({
      challengeToken,
      code: await totpCodeAt(secret, 0),
      mode: "token",
    });
    expect(done.recoveryCodes).toHaveLength(10);
    const viewer = createTestClient(app.server, { token: done.token });
    expect(await viewer.twoFactor.status()).toMatchObject({ isEnabled: true, isRequiredByAccount: true });
    // Nobody turns it off while the account requires it.
    expect(await codeOf(viewer.twoFactor.disable({ password: "demo" }))).toBe("FORBIDDEN");
    // The next sign-in asks for a code.
    expect((await passwordStep(account.viewer.email)).twoFactor?.purpose).toBe("second_factor");
  });

  it("refuses an unknown or expired challenge", async () => {
    const account = await createTestAccount(app.prisma);
    await enrolTwoFactor(await signedIn(account.engineer.email));
    const { twoFactor } = await passwordStep(account.engineer.email);
    await app.prisma.signInChallenge.updateMany({
      where: { userId: account.engineer.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    for (const challengeToken of [twoFactor?.challengeToken ?? "", randomBytes(32).toString("base64url")]) {
      await expect(
        anonymous().twoFactor.signIn({ challengeToken, code: "123456", mode: "token" }),
      ).rejects.toMatchObject({
        data: { code: "UNAUTHORIZED" },
        message: expect.stringMatching(/Sign in again/),
      });
    }
    // Only a hash of the challenge token is stored.
    const stored = await app.prisma.signInChallenge.findMany({ where: { userId: account.engineer.id } });
    expect(stored.map((row) => row.tokenHash)).not.toContain(
      createHash("sha256")
        .update(twoFactor?.challengeToken ?? "")
        .digest("hex"),
    );
  });
});
