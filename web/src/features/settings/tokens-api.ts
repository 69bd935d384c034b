import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { ApiToken, CreatedToken, NewToken, TokenScope } from './types';

/** /me/tokens are your own (any role); /tokens are everybody's (admins only). */
const BASE: Record<TokenScope, string> = { mine: '/api/v1/me/tokens', all: '/api/v1/tokens' };

export function useTokens(scope: TokenScope, enabled = true) {
  return useQuery({
    queryKey: ['tokens', scope],
    queryFn: () => api.get<{ items: ApiToken[] }>(BASE[scope]).then((r) => r.items),
    enabled,
  });
}

export function useCreateToken(scope: TokenScope) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: NewToken) => api.post<CreatedToken>(BASE[scope], input),
    onSuccess: () => client.invalidateQueries({ queryKey: ['tokens'] }),
  });
}

export function useRevokeToken(scope: TokenScope) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete<void>(`${BASE[scope]}/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: ['tokens'] }),
  });
}
