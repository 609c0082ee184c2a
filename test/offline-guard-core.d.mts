export function guardSockets(onRefused: (where: string) => void): void;
export const refusalMark: string;
export const refusalPattern: RegExp;
export function refusedList(): string[];
