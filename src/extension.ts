export function activate(){}
