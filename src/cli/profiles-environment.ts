import { homedir } from "node:os";
import type { ProfilesEnvironment } from "../app/profiles.ts";
import { currentUser } from "./context.ts";

function isSet(value: string | undefined): boolean {
  return value !== undefined && value !== "";
}

/** What `profiles` and `verify --via-profiles` read of the operator's environment. */
export function profilesEnvironment(env: NodeJS.ProcessEnv): ProfilesEnvironment {
  return {
    awsConfigFile: env.AWS_CONFIG_FILE,
    webIdentityTokenFile: env.AWS_WEB_IDENTITY_TOKEN_FILE,
    webIdentityRoleArn: env.AWS_ROLE_ARN,
    home: env.HOME ?? homedir(),
    user: currentUser(env),
    awsProfile: env.AWS_PROFILE,
    sharedCredentialsFile: env.AWS_SHARED_CREDENTIALS_FILE,
    environmentKeys: isSet(env.AWS_ACCESS_KEY_ID) && isSet(env.AWS_SECRET_ACCESS_KEY),
    containerCredentials:
      isSet(env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) ||
      isSet(env.AWS_CONTAINER_CREDENTIALS_FULL_URI),
  };
}
