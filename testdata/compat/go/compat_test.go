// A Go test run as a build's test suite runs one: the runtime's threads,
// processes started with os/exec, files, a loopback server and signals.
package compat

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestExec(t *testing.T) {
	out, err := exec.Command("sh", "-c", "echo child").Output()
	if err != nil || string(out) != "child\n" {
		t.Fatalf("got %q, %v", out, err)
	}
}

func TestFiles(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if err := os.WriteFile(a, []byte("data"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(a, b); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(b, 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(b); err != nil || string(got) != "data" {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestLoopback(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		line, _ := bufio.NewReader(c).ReadString('\n')
		c.Write([]byte("echo:" + line))
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte("ping\n"))
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	got, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || got != "echo:ping\n" {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestGoroutines(t *testing.T) {
	var wg sync.WaitGroup
	sum := make(chan int, 64)
	for i := 0; i < 64; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			time.Sleep(time.Millisecond)
			sum <- i
		}(i)
	}
	wg.Wait()
	close(sum)
	total := 0
	for v := range sum {
		total += v
	}
	if total != 64*63/2 {
		t.Fatalf("sum %d", total)
	}
}

func TestSignal(t *testing.T) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGUSR1)
	defer signal.Stop(ch)
	syscall.Kill(os.Getpid(), syscall.SIGUSR1)
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatal("no SIGUSR1")
	}
}
