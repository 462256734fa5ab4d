import { COOKIE_NAME, cookieValue } from "./token";

const THIRTY_DAYS = 60 * 60 * 24 * 30;

export function sessionCookie(): string {
  return `${COOKIE_NAME}=${cookieValue()}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${THIRTY_DAYS}`;
}

export function clearedCookie(): string {
  return `${COOKIE_NAME}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`;
}
