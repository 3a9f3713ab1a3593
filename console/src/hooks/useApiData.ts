import { type DependencyList, useCallback, useEffect, useState } from 'react';
import { describeError } from '../api/client';

export interface ApiData<T> {
  data: T | undefined;
  /** The error message of the last failed load, in words. */
  error: string | undefined;
  loading: boolean;
  /** Loads again and keeps showing the current data meanwhile. */
  reload: () => void;
  /** Replaces the data with a value the caller already has, such as a PATCH response. */
  setData: (data: T) => void;
}

/** Loads data from the API when `dependencies` change; a stale response is dropped. */
export function useApiData<T>(load: () => Promise<T>, dependencies: DependencyList): ApiData<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let current = true;
    setLoading(true);
    load().then(
      (value) => {
        if (!current) return;
        setData(value);
        setError(undefined);
        setLoading(false);
      },
      (failure: unknown) => {
        if (!current) return;
        setError(describeError(failure));
        setLoading(false);
      },
    );

    return () => {
      current = false;
    };
    // `load` is a new closure on every render, so `dependencies` decide when to load again.
  }, [...dependencies, generation]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);

  return { data, error, loading, reload, setData };
}
